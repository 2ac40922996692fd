//! What an OpenAPI 3.0/3.1 node is, from where it sits: the bundler needs it
//! to decide whether a `$ref` found there becomes a component (a schema, a
//! parameter…) or is inlined (a path item, a Markdown description), as
//! Redocly CLI's `bundle` decides.

/// The kind of object at a place in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    Root,
    Paths,
    PathItem,
    Operation,
    Parameter,
    Header,
    RequestBody,
    Responses,
    Response,
    MediaType,
    Encoding,
    Schema,
    Discriminator,
    /// A discriminator's `mapping`: values are schema references.
    Mapping,
    Example,
    Link,
    Callback,
    SecurityScheme,
    Components,
    /// A map of named objects of one kind (`properties`, `content`…).
    MapOf(Kind),
    /// A list of objects of one kind (`allOf`, `parameters`…).
    ListOf(Kind),
    /// Literal data (`example`, `default`, `enum`…): a `$ref` key in it is
    /// data, not a reference.
    Data,
    /// Anything else (`info`, `servers`, tags): references are inlined.
    Other,
    /// Under an `x-` extension: like `Other`, and a missing target is
    /// dropped with a warning rather than failing (code samples).
    Extension,
}

/// The kinds that appear in maps and lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    PathItem,
    Parameter,
    Header,
    RequestBody,
    Response,
    MediaType,
    Encoding,
    Schema,
    Example,
    Link,
    Callback,
    SecurityScheme,
}

impl Kind {
    fn position(self) -> Position {
        match self {
            Kind::PathItem => Position::PathItem,
            Kind::Parameter => Position::Parameter,
            Kind::Header => Position::Header,
            Kind::RequestBody => Position::RequestBody,
            Kind::Response => Position::Response,
            Kind::MediaType => Position::MediaType,
            Kind::Encoding => Position::Encoding,
            Kind::Schema => Position::Schema,
            Kind::Example => Position::Example,
            Kind::Link => Position::Link,
            Kind::Callback => Position::Callback,
            Kind::SecurityScheme => Position::SecurityScheme,
        }
    }
}

impl Position {
    /// The `components` section a referenced object of this position is
    /// hoisted into; `None`: it is inlined. Redocly's rule: path items and
    /// security schemes are inlined too.
    pub fn component_section(self) -> Option<&'static str> {
        Some(match self {
            Position::Schema => "schemas",
            Position::Parameter => "parameters",
            Position::Response => "responses",
            Position::Example => "examples",
            Position::RequestBody => "requestBodies",
            Position::Header => "headers",
            Position::Link => "links",
            Position::Callback => "callbacks",
            _ => return None,
        })
    }

    /// The position of the child under `key` (an object key or an index).
    pub fn child(self, key: &str) -> Position {
        use Position as P;
        let extension = key.starts_with("x-");
        match self {
            P::Data => P::Data,
            P::Extension => P::Extension,
            P::Other => P::Other,
            P::MapOf(kind) | P::ListOf(kind) => kind.position(),
            P::Mapping => P::Data,
            _ if extension => P::Extension,
            P::Root => match key {
                "paths" => P::Paths,
                "webhooks" => P::MapOf(Kind::PathItem),
                "components" => P::Components,
                _ => P::Other,
            },
            P::Paths => P::PathItem,
            P::Callback => P::PathItem,
            P::Responses => P::Response,
            P::Components => match key {
                "schemas" => P::MapOf(Kind::Schema),
                "responses" => P::MapOf(Kind::Response),
                "parameters" => P::MapOf(Kind::Parameter),
                "examples" => P::MapOf(Kind::Example),
                "requestBodies" => P::MapOf(Kind::RequestBody),
                "headers" => P::MapOf(Kind::Header),
                "securitySchemes" => P::MapOf(Kind::SecurityScheme),
                "links" => P::MapOf(Kind::Link),
                "callbacks" => P::MapOf(Kind::Callback),
                "pathItems" => P::MapOf(Kind::PathItem),
                _ => P::Other,
            },
            P::PathItem => match key {
                "parameters" => P::ListOf(Kind::Parameter),
                m if crate::walk::METHODS.contains(&m) => P::Operation,
                _ => P::Other,
            },
            P::Operation => match key {
                "parameters" => P::ListOf(Kind::Parameter),
                "requestBody" => P::RequestBody,
                "responses" => P::Responses,
                "callbacks" => P::MapOf(Kind::Callback),
                _ => P::Other,
            },
            P::Parameter | P::Header => match key {
                "schema" => P::Schema,
                "content" => P::MapOf(Kind::MediaType),
                "examples" => P::MapOf(Kind::Example),
                "example" => P::Data,
                _ => P::Other,
            },
            P::RequestBody => match key {
                "content" => P::MapOf(Kind::MediaType),
                _ => P::Other,
            },
            P::Response => match key {
                "headers" => P::MapOf(Kind::Header),
                "content" => P::MapOf(Kind::MediaType),
                "links" => P::MapOf(Kind::Link),
                _ => P::Other,
            },
            P::MediaType => match key {
                "schema" => P::Schema,
                "examples" => P::MapOf(Kind::Example),
                "encoding" => P::MapOf(Kind::Encoding),
                "example" => P::Data,
                _ => P::Other,
            },
            P::Encoding => match key {
                "headers" => P::MapOf(Kind::Header),
                _ => P::Other,
            },
            P::Example => match key {
                "value" => P::Data,
                _ => P::Other,
            },
            P::Discriminator => match key {
                "mapping" => P::Mapping,
                _ => P::Other,
            },
            P::Schema => schema_child(key),
            P::Link | P::SecurityScheme => P::Other,
        }
    }
}

fn schema_child(key: &str) -> Position {
    use Position as P;
    match key {
        "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas" => P::MapOf(Kind::Schema),
        "items"
        | "additionalItems"
        | "additionalProperties"
        | "not"
        | "if"
        | "then"
        | "else"
        | "contains"
        | "propertyNames"
        | "unevaluatedItems"
        | "unevaluatedProperties"
        | "contentSchema" => P::Schema,
        "allOf" | "anyOf" | "oneOf" | "prefixItems" => P::ListOf(Kind::Schema),
        "discriminator" => P::Discriminator,
        "example" | "examples" | "default" | "const" | "enum" => P::Data,
        _ => P::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_the_openapi_structure() {
        let walk = |keys: &[&str]| keys.iter().fold(Position::Root, |p, k| p.child(k));
        assert_eq!(walk(&["paths", "/a", "get", "responses", "200", "content", "application/json", "schema"]), Position::Schema);
        assert_eq!(walk(&["paths", "/a", "get", "parameters", "0"]), Position::Parameter);
        assert_eq!(walk(&["paths", "/a", "post", "requestBody"]), Position::RequestBody);
        assert_eq!(walk(&["webhooks", "evt", "post", "requestBody", "content", "a/b", "examples", "one"]), Position::Example);
        assert_eq!(walk(&["components", "schemas", "A", "properties", "x-name"]), Position::Schema, "a property may be called x-…");
        assert_eq!(walk(&["components", "schemas", "A", "oneOf", "1", "discriminator", "mapping", "b"]), Position::Data);
        assert_eq!(walk(&["components", "schemas", "A", "example", "$ref"]), Position::Data);
        assert_eq!(walk(&["paths", "/a", "get", "x-codeSamples", "0", "source"]), Position::Extension);
        assert_eq!(walk(&["info", "description"]), Position::Other);
        assert_eq!(Position::PathItem.component_section(), None);
        assert_eq!(walk(&["paths", "/a", "get", "responses", "404"]).component_section(), Some("responses"));
    }
}
