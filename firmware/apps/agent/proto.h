/*
 * proto.h - constants of the agent's serial protocol. docs/serial_protocol.md is the
 * specification; pyruntime/serial/protocol.py holds the same numbers for the host.
 */
#ifndef AGENT_PROTO_H
#define AGENT_PROTO_H

#define PROTO_VERSION 1u
#define PROTO_MAX_DATA 4096u /* largest data field of WRITE / INPUT / OUTPUT */
#define PROTO_HDR 4u         /* version, type, seq (u16) */
#define PROTO_CRC 4u
/* largest decoded frame: header + command fields (<= 16) + data + CRC */
#define PROTO_MAX_FRAME (PROTO_HDR + 16u + PROTO_MAX_DATA + PROTO_CRC)
/* largest response body (status byte included) */
#define PROTO_MAX_BODY (PROTO_MAX_FRAME - PROTO_HDR - PROTO_CRC)

/* request types; the response type is the request type | 0x80 */
#define CMD_INFO 0x01u
#define CMD_BEGIN 0x02u
#define CMD_WRITE 0x03u
#define CMD_VERIFY 0x04u
#define CMD_COMMIT 0x05u
#define CMD_INPUT 0x06u
#define CMD_RUN 0x07u
#define CMD_OUTPUT 0x08u
#define CMD_PROFILE 0x09u
#define CMD_ERASE 0x0Au
#define RESP_FLAG 0x80u
#define TYPE_READY 0x80u /* device -> host, unsolicited, once at boot (seq 0) */
#define TYPE_NAK 0xFFu /* a frame arrived damaged (CRC / version / length) */

/* response status (first byte of every response body) */
#define ST_OK 0u
#define ST_E_FRAME 1u     /* NAK: CRC mismatch or malformed frame */
#define ST_E_VERSION 2u   /* frame's protocol version not supported */
#define ST_E_COMMAND 3u   /* unknown request type */
#define ST_E_LENGTH 4u    /* request body has the wrong length */
#define ST_E_STATE 5u     /* no write session / no active model / session incomplete */
#define ST_E_RANGE 6u     /* offset or length outside the blob, slot, input or output */
#define ST_E_OFFSET 7u    /* WRITE past the written length (gap); body carries `written` */
#define ST_E_MISMATCH 8u  /* WRITE over written bytes with different data */
#define ST_E_FLASH 9u     /* flash erase/program failed */
#define ST_E_CRC 10u      /* COMMIT: CRC of the written blob differs */
#define ST_E_ENGINE 11u   /* pyrt_query/pyrt_init/pyrt_invoke failed; pyrt status follows */
#define ST_E_TOO_BIG 12u  /* blob larger than a slot */
#define ST_E_CAPACITY 13u /* model needs more arena/state than the agent has */
#define ST_E_MAGIC 14u    /* ERASE without its magic */

#define ERASE_MAGIC 0x53415245u /* "ERAS" little-endian */
#define ERASE_INACTIVE 0u
#define ERASE_ALL 1u

#define INFO_FLAG_PERSISTENT 0x01u /* flash survives a reset */
#define INFO_FLAG_SESSION 0x02u    /* a write session is open */
#define INFO_FLAG_MODEL 0x04u      /* a model is active (initialised) */
#define INFO_FLAG_JOURNAL 0x08u    /* transfer progress is journaled in flash (survives a reset) */

#define BEGIN_FRESH 0x01u /* BEGIN flag: discard a kept or journaled session, start at 0 */

#endif /* AGENT_PROTO_H */
