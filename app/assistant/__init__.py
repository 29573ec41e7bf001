"""The assistant layer: a reply from question to stored answer (retrieval, prompt assembly, the
reply state machine), above the chat engines and the document index."""
