//! Percent-encoding of URL components: query strings read by the REST API, and the app's
//! routes written into and read from the address bar.

/// `text` with every byte but RFC 3986's unreserved ones (`A-Z a-z 0-9 - _ . ~`) written as
/// `%XX`, so it can stand anywhere in a URL.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes and `+` (a space) in a URL component. A `%` without two hex digits
/// after it stays as it is; bytes that are not UTF-8 become `U+FFFD`.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_are_escaped_but_for_unreserved_bytes() {
        assert_eq!(encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(
            encode("val rmse/✓&=+%"),
            "val%20rmse%2F%E2%9C%93%26%3D%2B%25"
        );
    }

    #[test]
    fn escapes_and_plus_are_decoded() {
        assert_eq!(decode("val%20rmse+x"), "val rmse x");
        assert_eq!(decode("%E2%9C%93%"), "✓%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%ff"), "\u{fffd}");
    }

    #[test]
    fn decoding_undoes_encoding() {
        for text in [
            "",
            "models/taxi fare",
            "a+b=c&d",
            "100%",
            "«ü»",
            "`x`.\"y\"",
        ] {
            assert_eq!(decode(&encode(text)), text);
        }
    }
}
