//! Byte-level HTTP/1.1: reading and writing messages, forwarding one to the engine, and the
//! error and JSON answers the proxy makes up.

use super::*;

/// One request to the engine on a fresh connection.
pub(crate) async fn forward(upstream: &str, req: &Message) -> io::Result<Message> {
    let mut conn = TcpStream::connect(upstream).await?;
    conn.set_nodelay(true)?;
    let mut out = req.clone();
    out.remove_header("expect");
    out.set_header("Connection", "close");
    conn.write_all(&out.to_bytes()).await?;
    let mut buf = Vec::new();
    loop {
        let resp = read_message(&mut conn, &mut buf, Side::Response)
            .await?
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "no answer"))?;
        // Skip interim answers (100 Continue).
        if !(100..200).contains(&resp.status()) {
            // The engine closes after this answer; the client's connection stays open.
            let mut resp = resp;
            resp.remove_header("connection");
            return Ok(resp);
        }
    }
}

pub(crate) fn error_response(status: u16, code: &str, message: &str) -> Message {
    json_response(
        status,
        &json!({"__type": format!("{ERROR_NAMESPACE}{code}"), "message": message}),
    )
}

pub(crate) fn json_response(status: u16, body: &Value) -> Message {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    };
    Message {
        start_line: format!("HTTP/1.1 {status} {reason}"),
        headers: vec![
            ("Content-Type".into(), "application/x-amz-json-1.0".into()),
            (
                "x-amzn-RequestId".into(),
                uuid::Uuid::new_v4().simple().to_string(),
            ),
        ],
        body: body.to_string().into_bytes(),
    }
}

/// An HTTP/1.1 request or response, body already de-chunked.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    pub(crate) start_line: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Message {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    }

    pub(crate) fn set_header(&mut self, name: &str, value: &str) {
        self.remove_header(name);
        self.headers.push((name.to_owned(), value.to_owned()));
    }

    /// The status code of a response (0 if unparseable).
    pub(crate) fn status(&self) -> u16 {
        self.start_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    /// The wire form, framed by Content-Length (the body may have been rewritten or
    /// de-chunked), with DynamoDB's body checksum recomputed if it had one.
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut head = format!("{}\r\n", self.start_line);
        for (k, v) in &self.headers {
            if k.eq_ignore_ascii_case("content-length")
                || k.eq_ignore_ascii_case("transfer-encoding")
            {
                continue;
            }
            if k.eq_ignore_ascii_case("x-amz-crc32") {
                let _ = write!(head, "{k}: {}\r\n", crc32(&self.body));
                continue;
            }
            let _ = write!(head, "{k}: {v}\r\n");
        }
        let _ = write!(head, "Content-Length: {}\r\n\r\n", self.body.len());
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }
}

/// CRC-32 (IEEE), as DynamoDB's `x-amz-crc32` header carries it.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Request,
    Response,
}

pub(crate) fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Reads more bytes into `buf`; false at end of stream.
pub(crate) async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>) -> io::Result<bool> {
    let mut chunk = [0u8; 16 * 1024];
    let n = stream.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n > 0)
}

/// Takes bytes up to and including the first `pat`; `None` at a clean end of stream.
pub(crate) async fn take_until(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    pat: &[u8],
) -> io::Result<Option<Vec<u8>>> {
    loop {
        if let Some(pos) = buf.windows(pat.len()).position(|w| w == pat) {
            return Ok(Some(buf.drain(..pos + pat.len()).collect()));
        }
        if buf.len() > MAX_HEAD {
            return Err(bad("header line too long"));
        }
        if !fill(stream, buf).await? {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "closed mid-message",
                ))
            };
        }
    }
}

pub(crate) async fn take_exact(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    n: usize,
) -> io::Result<Vec<u8>> {
    while buf.len() < n {
        if !fill(stream, buf).await? {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "closed mid-body",
            ));
        }
    }
    Ok(buf.drain(..n).collect())
}

/// Reads one message; `None` if the peer closed before starting one.
pub(crate) async fn read_message(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    side: Side,
) -> io::Result<Option<Message>> {
    let Some(head) = take_until(stream, buf, b"\r\n\r\n").await? else {
        return Ok(None);
    };
    let head = String::from_utf8(head).map_err(|_| bad("head is not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let start_line = lines.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        let (k, v) = line
            .split_once(':')
            .ok_or_else(|| bad(format!("bad header line {line:?}")))?;
        headers.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    let mut msg = Message {
        start_line,
        headers,
        body: Vec::new(),
    };
    if side == Side::Request
        && msg
            .header("expect")
            .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    let chunked = msg
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = msg
        .header("content-length")
        .map(|v| v.parse::<usize>().map_err(|_| bad("bad Content-Length")))
        .transpose()?;
    let bodiless = side == Side::Response && matches!(msg.status(), 100..=199 | 204 | 304);
    if bodiless {
        return Ok(Some(msg));
    }
    if chunked {
        loop {
            let line = take_until(stream, buf, b"\r\n")
                .await?
                .ok_or_else(|| bad("closed mid-chunk"))?;
            let line = String::from_utf8_lossy(&line);
            let size_text = line.trim().split(';').next().unwrap_or_default();
            let size = usize::from_str_radix(size_text, 16).map_err(|_| bad("bad chunk size"))?;
            if size == 0 {
                // Trailers, then the empty line.
                while let Some(t) = take_until(stream, buf, b"\r\n").await? {
                    if t == b"\r\n" {
                        break;
                    }
                }
                break;
            }
            let data = take_exact(stream, buf, size + 2).await?;
            msg.body.extend_from_slice(&data[..size]);
        }
    } else if let Some(n) = length {
        msg.body = take_exact(stream, buf, n).await?;
    } else if side == Side::Response {
        while fill(stream, buf).await? {}
        msg.body = std::mem::take(buf);
    }
    Ok(Some(msg))
}
