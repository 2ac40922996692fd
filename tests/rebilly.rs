//! Every Rebilly operation in specs/ against a real HTTP server on loopback.
#![cfg(feature = "rebilly")]

mod common;

use accounting_sync::rebilly::{self, types, Environment};
use accounting_sync::Auth;
use common::*;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORG: &str = "org-test";
const KEY: &str = "sk_sandbox_test_key";
const ITEM_PATH: &str = "/organizations/org-test/customers/cus_01HXA4Z7K9/external-identifiers/quickbooks-online";

fn client(server: &MockServer) -> rebilly::Client {
    rebilly::Client::with_environment(Environment::Custom(server.uri()), ORG, rebilly::api_key(KEY)).unwrap()
}

fn identifier() -> Value {
    fixture(include_str!("fixtures/rebilly/external_identifier.json"))
}

fn problem(status: u16) -> Value {
    let mut body = json!({
        "type": format!("https://api-reference.rebilly.com/problems/{status}"),
        "title": "Problem title",
        "status": status,
        "detail": "What happened this time",
        "instance": "/customers/cus_01HXA4Z7K9",
    });
    if status == 422 {
        body["invalidFields"] = json!([
            {"field": "externalIdentifier", "message": "must not be blank"},
            {"field": "subObject.field2", "message": "is too long"}
        ]);
    }
    body
}

fn problem_response(status: u16) -> ResponseTemplate {
    let mut r = ResponseTemplate::new(status).set_body_raw(problem(status).to_string(), "application/problem+json");
    if status == 429 {
        r = r.insert_header("X-RateLimit-Retry-After", "1713187500");
    }
    r
}

/// Asserts the unified error body carries the problem details of `status`.
fn assert_problem<T: std::fmt::Debug>(result: Result<T, accounting_sync::Error>, status: u16) -> types::ErrorBody {
    let err = result.expect_err("an error response");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    let Some(e) = err.body::<types::ErrorBody>() else { panic!("status {status}: {err:?}") };
    assert_eq!(e.status, Some(i64::from(status)));
    assert_eq!(e.title.as_deref(), Some("Problem title"));
    assert_eq!(e.detail.as_deref(), Some("What happened this time"));
    assert_eq!(e.instance.as_deref(), Some("/customers/cus_01HXA4Z7K9"));
    assert_eq!(e.type_.as_deref(), Some(format!("https://api-reference.rebilly.com/problems/{status}").as_str()));
    if status == 422 {
        let fields: Vec<_> = e.invalid_fields.iter().map(|f| (f.field.clone().unwrap(), f.message.clone().unwrap())).collect();
        assert_eq!(
            fields,
            [
                ("externalIdentifier".to_string(), "must not be blank".to_string()),
                ("subObject.field2".to_string(), "is too long".to_string())
            ]
        );
    } else {
        assert!(e.invalid_fields.is_empty());
    }
    if status == 429 {
        // X-RateLimit-Retry-After: 1713187500, a time long past: no wait.
        assert_eq!(err.retry_after(), Some(std::time::Duration::ZERO));
    }
    e.clone()
}

fn assert_item_request(request: &wiremock::Request, verb: &str) {
    assert_eq!(request.method.as_str(), verb);
    assert_eq!(request.url.path(), ITEM_PATH);
    assert_eq!(request.url.query(), None);
    assert_eq!(header(request, "reb-apikey"), Some(KEY));
    assert_eq!(header(request, "authorization"), None);
    assert_common_headers(request);
}

fn assert_identifier(v: &types::ExternalIdentifier) {
    assert_eq!(v.resource, Some(types::ExternalIdentifierResource::Customers));
    assert_eq!(v.resource_id.as_deref(), Some("cus_01HXA4Z7K9"));
    assert_eq!(v.service, Some(types::ExternalIdentifierService::QuickbooksOnline));
    assert_eq!(v.external_identifier, "QBO-1042");
    assert_eq!(v.created_time.as_ref().unwrap().to_rfc3339(), "2026-03-02T10:15:30+00:00");
    assert_eq!(v.updated_time.as_ref().unwrap().to_rfc3339(), "2026-03-04T08:00:00+00:00");
    assert_eq!(v.links.len(), 2);
    assert_eq!(v.links[0].rel, Some(types::ExternalIdentifierLinkRel::SelfValue));
    assert_eq!(v.links[1].rel, Some(types::ExternalIdentifierLinkRel::ExternalService));
    assert!(v.links[1].href.as_deref().unwrap().contains("nameId=1042"));
    assert_eq!(reencoded(v), identifier(), "every field decodes and re-encodes unchanged");
}

#[tokio::test]
async fn get_external_identifier_collection_sends_paging_and_decodes_the_page() {
    let server = MockServer::start().await;
    let mut second = identifier();
    second["resource"] = json!("invoices");
    second["resourceId"] = json!("in_77");
    second["newServerField"] = json!({"added": "later"}); // must be ignored
    Mock::given(method("GET"))
        .and(path("/organizations/org-test/external-identifiers"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([identifier(), second]))
                .insert_header("Pagination-Total", "332")
                .insert_header("Pagination-Limit", "2")
                .insert_header("Pagination-Offset", "10"),
        )
        .mount(&server)
        .await;
    let page = client(&server)
        .get_external_identifier_collection()
        .filter("service:quickbooks-online;resource:customers,invoices")
        .sort("-createdTime,resourceId")
        .limit(2)
        .offset(10)
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        query(&request),
        [
            ("filter".into(), "service:quickbooks-online;resource:customers,invoices".into()),
            ("limit".into(), "2".into()),
            ("offset".into(), "10".into()),
            ("sort".into(), "-createdTime,resourceId".into()),
        ]
    );
    assert_eq!(header(&request, "reb-apikey"), Some(KEY));
    assert_common_headers(&request);
    assert_eq!(page.headers().get("pagination-total").unwrap(), "332");
    assert_eq!(page.len(), 2);
    assert_identifier(&page[0]);
    assert_eq!(page[1].resource, Some(types::ExternalIdentifierResource::Invoices));
    assert_eq!(page[1].resource_id.as_deref(), Some("in_77"));
}

#[tokio::test]
async fn get_external_identifier_decodes_every_field() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(ITEM_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(identifier()))
        .mount(&server)
        .await;
    let v = client(&server)
        .get_external_identifier()
        .resource(types::ExternalIdentifierResource::Customers)
        .resource_id("cus_01HXA4Z7K9")
        .service(types::ExternalIdentifierService::QuickbooksOnline)
        .send()
        .await
        .unwrap();
    assert_item_request(&only_request(&server).await, "GET");
    assert_identifier(&v);
}

#[tokio::test]
async fn post_external_identifier_schedules_a_sync() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(ITEM_PATH))
        .respond_with(ResponseTemplate::new(204).insert_header("X-RateLimit-Limit", "3000").insert_header("X-RateLimit-Remaining", "2999"))
        .mount(&server)
        .await;
    let done = client(&server)
        .post_external_identifier()
        .resource(types::ExternalIdentifierResource::Customers)
        .resource_id("cus_01HXA4Z7K9")
        .service(types::ExternalIdentifierService::QuickbooksOnline)
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_item_request(&request, "POST");
    assert!(request.body.is_empty());
    assert_eq!(done.status().as_u16(), 204);
    assert_eq!(done.headers().get("x-ratelimit-remaining").unwrap(), "2999");
}

#[tokio::test]
async fn put_external_identifier_sends_the_body_and_decodes_200_and_201() {
    for status in [200, 201] {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .and(path(ITEM_PATH))
            .respond_with(ResponseTemplate::new(status).set_body_json(identifier()))
            .mount(&server)
            .await;
        let v = client(&server)
            .put_external_identifier()
            .resource(types::ExternalIdentifierResource::Customers)
            .resource_id("cus_01HXA4Z7K9")
            .service(types::ExternalIdentifierService::QuickbooksOnline)
            .body(types::ExternalIdentifier::builder().external_identifier("QBO-1042"))
            .send()
            .await
            .unwrap();
        let request = only_request(&server).await;
        assert_item_request(&request, "PUT");
        assert_eq!(header(&request, "content-type"), Some("application/json"));
        // Server-set (read-only) fields are optional and not sent.
        assert_eq!(json_body(&request), json!({"externalIdentifier": "QBO-1042"}));
        assert_eq!(v.status().as_u16(), status);
        assert_identifier(&v);
    }
}

#[tokio::test]
async fn delete_external_identifier() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).and(path(ITEM_PATH)).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let done = client(&server)
        .delete_external_identifier()
        .resource(types::ExternalIdentifierResource::Customers)
        .resource_id("cus_01HXA4Z7K9")
        .service(types::ExternalIdentifierService::QuickbooksOnline)
        .send()
        .await
        .unwrap();
    assert_item_request(&only_request(&server).await, "DELETE");
    assert_eq!(done.status().as_u16(), 204);
}

/// Each operation with each error status its document declares.
#[tokio::test]
async fn every_documented_error_status_decodes_into_problem_details() {
    use types::{ExternalIdentifierResource as R, ExternalIdentifierService as S};
    let cases: &[(&str, &[u16])] = &[
        ("GetExternalIdentifierCollection", &[401, 403]),
        ("GetExternalIdentifier", &[401, 403, 404]),
        ("PostExternalIdentifier", &[401, 403, 404, 422, 429]),
        ("PutExternalIdentifier", &[401, 403, 404, 422, 429]),
        ("DeleteExternalIdentifier", &[401, 403, 404, 422, 429]),
    ];
    for (operation, statuses) in cases {
        for &status in *statuses {
            let server = MockServer::start().await;
            Mock::given(wiremock::matchers::any()).respond_with(problem_response(status)).mount(&server).await;
            let c = client(&server);
            match *operation {
                "GetExternalIdentifierCollection" => {
                    assert_problem(c.get_external_identifier_collection().send().await, status);
                }
                "GetExternalIdentifier" => {
                    assert_problem(
                        c.get_external_identifier().resource(R::Customers).resource_id("c1").service(S::QuickbooksOnline).send().await,
                        status,
                    );
                }
                "PostExternalIdentifier" => {
                    assert_problem(
                        c.post_external_identifier().resource(R::Customers).resource_id("c1").service(S::QuickbooksOnline).send().await,
                        status,
                    );
                }
                "PutExternalIdentifier" => {
                    let body = types::ExternalIdentifier::builder().external_identifier("x");
                    assert_problem(
                        c.put_external_identifier()
                            .resource(R::Customers)
                            .resource_id("c1")
                            .service(S::QuickbooksOnline)
                            .body(body)
                            .send()
                            .await,
                        status,
                    );
                }
                "DeleteExternalIdentifier" => {
                    assert_problem(
                        c.delete_external_identifier().resource(R::Customers).resource_id("c1").service(S::QuickbooksOnline).send().await,
                        status,
                    );
                }
                other => unreachable!("{other}"),
            };
        }
    }
}

#[tokio::test]
async fn a_jwt_is_sent_as_a_bearer_token() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let c = rebilly::Client::with_environment(Environment::Custom(server.uri()), ORG, Auth::bearer("eyJhbGciOi.jwt")).unwrap();
    c.delete_external_identifier()
        .resource(types::ExternalIdentifierResource::JournalEntries)
        .resource_id("je_1")
        .service(types::ExternalIdentifierService::QuickbooksOnline)
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/organizations/org-test/journal-entries/je_1/external-identifiers/quickbooks-online");
    assert_eq!(header(&request, "authorization"), Some("Bearer eyJhbGciOi.jwt"));
    assert_eq!(header(&request, "reb-apikey"), None);
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let c = client(&server);
    let missing = c
        .post_external_identifier()
        .resource(types::ExternalIdentifierResource::Customers)
        .service(types::ExternalIdentifierService::QuickbooksOnline)
        .send()
        .await;
    let err = missing.unwrap_err();
    assert_eq!(err.kind(), accounting_sync::ErrorKind::InvalidRequest);
    assert!(err.message().unwrap().contains("resource_id"), "{err}");

    let too_long = "x".repeat(51);
    let bad = c
        .get_external_identifier()
        .resource(types::ExternalIdentifierResource::Customers)
        .resource_id(too_long.as_str())
        .service(types::ExternalIdentifierService::QuickbooksOnline)
        .send()
        .await;
    // Converted, the error says which parameter and which rule.
    let err = bad.unwrap_err();
    assert_eq!(err.kind(), accounting_sync::ErrorKind::InvalidRequest);
    let message = err.message().unwrap();
    assert!(message.starts_with("resource_id: the value must be at most 50 characters long and match the pattern"), "{message}");
    let path_escape = c
        .get_external_identifier()
        .resource(types::ExternalIdentifierResource::Customers)
        .resource_id("../../admin")
        .service(types::ExternalIdentifierService::QuickbooksOnline)
        .send()
        .await;
    assert_eq!(path_escape.unwrap_err().kind(), accounting_sync::ErrorKind::InvalidRequest);
    assert!(server.received_requests().await.unwrap().is_empty());

    let err = rebilly::Client::with_environment(Environment::Sandbox, "org/../x", rebilly::api_key(KEY)).unwrap_err();
    assert!(err.to_string().contains("organization id"), "{err}");
}

#[test]
fn environments_put_the_organization_in_the_base_path() {
    use accounting_sync::rebilly::ClientInfo;
    let sandbox = rebilly::Client::with_environment(Environment::Sandbox, "acme", rebilly::api_key(KEY)).unwrap();
    assert_eq!(sandbox.baseurl(), "https://api-sandbox.rebilly.com/organizations/acme");
    let live = rebilly::Client::with_environment(Environment::Live, "acme", rebilly::api_key(KEY)).unwrap();
    assert_eq!(live.baseurl(), "https://api.rebilly.com/organizations/acme");
    assert!(!format!("{live:?}").contains(KEY), "the key must not appear in Debug output");
}

/// A value Rebilly adds later, here a second service beside the one-value
/// enum of our document, decodes as `Unknown` instead of failing the page,
/// and encodes back unchanged.
#[tokio::test]
async fn a_new_enum_value_in_a_list_decodes_as_unknown_and_round_trips() {
    let mut xero = identifier();
    xero["service"] = json!("xero");
    xero["resource"] = json!("subscriptions-v2");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([identifier(), xero.clone()])))
        .mount(&server)
        .await;
    let list = client(&server).get_external_identifier_collection().send().await.unwrap().into_inner();
    assert_eq!(list[0].service, Some(types::ExternalIdentifierService::QuickbooksOnline));
    assert_eq!(list[1].service, Some(types::ExternalIdentifierService::Unknown("xero".into())));
    assert_eq!(list[1].resource, Some(types::ExternalIdentifierResource::Unknown("subscriptions-v2".into())));
    assert_eq!(reencoded(&list[1]), xero);
}

/// Open enums read like strings: one flat enum, `as_str`, `Display`,
/// `FromStr`, `From<&str>` (a listed value becomes its variant), equality,
/// hashing, a schema; and builders take the enum or a `&str`.
#[tokio::test]
async fn open_enums_are_flat_and_builders_take_them_or_strings() {
    use std::collections::HashSet;
    use types::ExternalIdentifierResource as R;
    assert_eq!(R::from("customers"), R::Customers);
    assert_eq!("customers".parse::<R>().unwrap(), R::Customers);
    assert_eq!((R::Customers.as_str(), R::Customers.to_string()), ("customers", "customers".to_string()));
    assert_eq!(R::from("tickets").as_str(), "tickets");
    assert!(R::from("tickets").is_unknown() && !R::Customers.is_unknown());
    assert!(R::KNOWN.contains(&R::Customers));
    let set: HashSet<R> = [R::Customers, R::from("customers"), R::from("tickets")].into_iter().collect();
    assert_eq!(set.len(), 2);
    let schema = serde_json::to_value(schemars::schema_for!(R)).unwrap();
    assert_eq!(schema["type"], "string");

    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(identifier())).mount(&server).await;
    let c = client(&server);
    c.get_external_identifier().resource("customers").resource_id("cus_01HXA4Z7K9").service("quickbooks-online").send().await.unwrap();
    c.get_external_identifier()
        .resource(R::Customers)
        .resource_id("cus_01HXA4Z7K9")
        .service(types::ExternalIdentifierService::QuickbooksOnline)
        .send()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(requests.iter().all(|r| r.url.path() == ITEM_PATH), "{:?}", requests.iter().map(|r| r.url.path()).collect::<Vec<_>>());
}
