"""Host side of the agent's serial protocol (docs/serial_protocol.md).

cobs      COBS byte stuffing
framing   frame layout (version, type, seq, body, CRC32) and a stream decoder
protocol  command codes, status codes and the parsed responses
client    AgentClient: requests with retransmission, backoff and reconnection
"""
