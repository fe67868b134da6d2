//! The page's query string: splitting it into decoded pairs, percent-encoding values for a link,
//! and the one key that is not a setting (`csv=`, the address of the data to load).

/// The key naming a CSV to fetch instead of the bundled sample: a data source, not a setting.
pub const DATA_KEY: &str = "csv";

/// The decoded `(key, value)` pairs of a query (`?window=50&seed=1`), empty pairs skipped.
pub fn pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.trim_start_matches('?').split('&').filter(|pair| !pair.is_empty()).map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(key), decode(value))
    })
}

/// The CSV address a link names (`?csv=https://…`), if any.
pub fn data_url(query: &str) -> Option<String> {
    pairs(query).find(|(key, value)| key == DATA_KEY && !value.is_empty()).map(|(_, value)| value)
}

/// Undoes `%XX` escapes and `+` for spaces; a malformed escape is kept as written.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                    16,
                ) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Escapes everything but unreserved characters, so any value survives a link.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_survive_encoding_and_decoding() {
        for text in ["Adj Close", "Open,Volume", "https://example.org/a b.csv?x=1&y=2", "50%", "€"]
        {
            assert_eq!(decode(&encode(text)), text);
        }
        assert_eq!(decode("Adj+Close"), "Adj Close");
        assert_eq!(decode("100%zz"), "100%zz");
        assert_eq!(decode("a%2"), "a%2");
    }

    #[test]
    fn pairs_and_the_data_address() {
        let query = "?window=20&&target=Adj%20Close&csv=https%3A%2F%2Fexample.org%2Fa%20b.csv";
        let found: Vec<(String, String)> = pairs(query).collect();
        assert_eq!(found[1], ("target".into(), "Adj Close".into()));
        assert_eq!(found.len(), 3);
        assert_eq!(data_url(query).as_deref(), Some("https://example.org/a b.csv"));
        assert_eq!(data_url("?window=20"), None);
    }
}
