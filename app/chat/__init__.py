"""Chat: the inference engine, prompt/context management and the conversation store."""
