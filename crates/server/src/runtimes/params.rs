//! A route's dynamic params as the runtimes take them: in the URL's query (Edge API routes, as
//! Next.js passes them) or as a JSON object.

use switchyard_app::{ParamValue, Params};

/// `http://host/path?query`, with dynamic params appended to the query as Next.js does.
pub fn absolute_url(host: &str, path: &str, query: Option<&str>, params: &Params) -> String {
    let mut url = format!("http://{host}{path}");
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in params {
        match value {
            ParamValue::One(value) => {
                serializer.append_pair(name, value);
            }
            ParamValue::Many(values) => {
                for value in values {
                    serializer.append_pair(name, value);
                }
            }
        }
    }
    let extra = serializer.finish();
    match (query.filter(|query| !query.is_empty()), extra.is_empty()) {
        (Some(query), true) => {
            url.push('?');
            url.push_str(query);
        }
        (Some(query), false) => {
            url.push('?');
            url.push_str(query);
            url.push('&');
            url.push_str(&extra);
        }
        (None, false) => {
            url.push('?');
            url.push_str(&extra);
        }
        (None, true) => {}
    }
    url
}

/// The params as the JSON object the Node worker reads.
pub fn params_json(params: &Params) -> String {
    params_value(params).to_string()
}

/// The params as a JSON object: strings, and arrays of them for catch-alls.
pub fn params_value(params: &Params) -> serde_json::Value {
    let object: serde_json::Map<String, serde_json::Value> = params
        .iter()
        .map(|(name, value)| {
            let value = match value {
                ParamValue::One(value) => serde_json::Value::from(value.as_str()),
                ParamValue::Many(values) => serde_json::Value::from(values.clone()),
            };
            (name.clone(), value)
        })
        .collect();
    serde_json::Value::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_appended_to_the_query() {
        let params = vec![
            ("id".to_owned(), ParamValue::One("id 1".into())),
            (
                "slug".to_owned(),
                ParamValue::Many(vec!["a".into(), "b".into()]),
            ),
        ];
        assert_eq!(
            absolute_url("h:1", "/api/x", Some("a=b"), &params),
            "http://h:1/api/x?a=b&id=id+1&slug=a&slug=b"
        );
        assert_eq!(absolute_url("h", "/p", None, &vec![]), "http://h/p");
        assert_eq!(absolute_url("h", "/p", Some(""), &vec![]), "http://h/p");
    }

    #[test]
    fn params_become_a_json_object() {
        let params = vec![
            ("id".to_owned(), ParamValue::One("a\"b".into())),
            (
                "slug".to_owned(),
                ParamValue::Many(vec!["x".into(), "y".into()]),
            ),
        ];
        assert_eq!(params_json(&params), r#"{"id":"a\"b","slug":["x","y"]}"#);
        assert_eq!(params_json(&vec![]), "{}");
    }
}
