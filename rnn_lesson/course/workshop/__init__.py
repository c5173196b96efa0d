"""Workshop tools: the pre-flight check, reset without loss, and the generated answer key."""
