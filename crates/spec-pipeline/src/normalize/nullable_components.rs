//! A component that is itself `nullable` (a nullable enum, say) makes typify
//! emit two types of one name, which does not compile. Nullability belongs to
//! the places that use it: the component loses `nullable`, and every `$ref`
//! to it becomes `{allOf: [$ref], nullable: true}`, which typify reads as
//! `Option<Component>`. Nothing is lost. (`null` among an enum's values is
//! read as `nullable` first.)

use super::{Config, NormalizeError, Tally};
use crate::refs::escape;
use serde_json::{json, Value};

fn wrap_refs(value: &mut Value, targets: &[String], count: &mut usize) {
    match value {
        Value::Object(m) => {
            let is_target = m.get("$ref").and_then(Value::as_str).is_some_and(|r| targets.iter().any(|t| t == r));
            if is_target {
                let reference = m.remove("$ref").expect("checked");
                m.insert("allOf".into(), json!([{"$ref": reference}]));
                m.insert("nullable".into(), json!(true));
                *count += 1;
                return;
            }
            m.values_mut().for_each(|v| wrap_refs(v, targets, count));
        }
        Value::Array(a) => a.iter_mut().for_each(|v| wrap_refs(v, targets, count)),
        _ => {}
    }
}

pub fn run(doc: &mut Value, _: &Config, t: &mut Tally) -> Result<(), NormalizeError> {
    crate::walk::for_each_schema(doc, &mut |s, _| {
        if let Some(Value::Array(values)) = s.get_mut("enum") {
            if values.iter().any(Value::is_null) {
                values.retain(|v| !v.is_null());
                s.insert("nullable".into(), json!(true));
                t.rewrite();
            }
        }
    });
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else { return Ok(()) };
    let mut targets = Vec::new();
    for (name, schema) in schemas.iter_mut() {
        if schema.get("nullable") == Some(&Value::Bool(true)) && schema.get("allOf").is_none() {
            schema.as_object_mut().expect("has a key").remove("nullable");
            targets.push(format!("#/components/schemas/{}", escape(name)));
        }
    }
    if targets.is_empty() {
        return Ok(());
    }
    let mut count = 0;
    wrap_refs(doc, &targets, &mut count);
    t.rewrites += targets.len() + count;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{run_pass, Config};
    use super::*;

    #[test]
    fn nullability_moves_from_the_component_to_its_uses() {
        let r = json!({"$ref": "#/components/schemas/Confidence"});
        let mut doc = json!({"components": {"schemas": {
            "Confidence": {"type": "string", "enum": ["weak", "strong", null]},
            "Settings": {"type": "object", "properties": {"level": r, "levels": {"type": "array", "items": r}}}
        }}});
        let t = run_pass(run, &mut doc, &Config::default());
        let s = &doc["components"]["schemas"];
        assert_eq!(s["Confidence"], json!({"type": "string", "enum": ["weak", "strong"]}));
        let wrapped = json!({"allOf": [r], "nullable": true});
        assert_eq!(s["Settings"]["properties"]["level"], wrapped);
        assert_eq!(s["Settings"]["properties"]["levels"]["items"], wrapped);
        assert_eq!(t.rewrites, 4);
    }
}
