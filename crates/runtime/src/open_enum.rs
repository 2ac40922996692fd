//! Decoding the generated open enums (`enum X { A, B, Unknown(String) }`,
//! codegen's open_enums.rs): one visitor for all of them.

use std::fmt;
use std::marker::PhantomData;

/// Decodes an open enum from a JSON string. A listed value is matched on
/// the borrowed text, so only a value the document does not list is
/// copied (into `Unknown`): decoding a response allocates nothing per
/// known enum value.
#[doc(hidden)]
pub fn deserialize<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    struct Text<T>(PhantomData<T>);

    impl<T: for<'a> From<&'a str> + From<String>> serde::de::Visitor<'_> for Text<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from(value))
        }

        fn visit_string<E: serde::de::Error>(self, value: String) -> Result<T, E> {
            Ok(T::from(value))
        }
    }

    deserializer.deserialize_str(Text(PhantomData))
}

#[cfg(test)]
mod tests {
    #[derive(Debug, PartialEq)]
    enum Status {
        Done,
        Unknown(String),
    }

    impl From<&str> for Status {
        fn from(value: &str) -> Self {
            match value {
                "done" => Status::Done,
                other => Status::Unknown(other.to_string()),
            }
        }
    }

    impl From<String> for Status {
        fn from(value: String) -> Self {
            match value.as_str() {
                "done" => Status::Done,
                _ => Status::Unknown(value),
            }
        }
    }

    fn decode(json: &str) -> Result<Status, serde_json::Error> {
        super::deserialize(&mut serde_json::Deserializer::from_str(json))
    }

    #[test]
    fn listed_and_new_values_decode_and_other_types_are_refused() {
        assert_eq!(decode(r#""done""#).unwrap(), Status::Done);
        assert_eq!(decode(r#""paused""#).unwrap(), Status::Unknown("paused".into()));
        // An escaped string comes as an owned copy: the same answer.
        assert_eq!(decode(r#""do\u006ee""#).unwrap(), Status::Done);
        assert!(decode("3").unwrap_err().to_string().contains("a string"));
        // From a `serde_json::Value`, which hands over owned strings.
        let value = serde_json::json!("paused");
        assert_eq!(super::deserialize::<_, Status>(value).unwrap(), Status::Unknown("paused".into()));
    }
}
