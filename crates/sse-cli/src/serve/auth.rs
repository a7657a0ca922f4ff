//! Tokens: who may subscribe and who may publish.
//!
//! A client presents a token in the `X-Authorization` header or, for a browser's
//! `EventSource` (which cannot set headers), in the `token` query parameter. Tokens are
//! compared in constant time: the time taken depends only on the configured token's
//! length, never on how much of a guess is right.

use std::borrow::Cow;
use std::fmt;
use std::net::SocketAddr;

use http::HeaderMap;
use subtle::{Choice, ConstantTimeEq};

/// The request header that carries a token.
pub const TOKEN_HEADER: &str = "x-authorization";

/// The query parameter that carries a token when headers cannot be set.
pub const TOKEN_QUERY: &str = "token";

/// A secret token. Its `Debug` output never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(Box<[u8]>);

impl Token {
    /// A token from its text; the empty token is refused (it would let anyone in).
    pub fn new(text: &str) -> Result<Token, EmptyToken> {
        if text.is_empty() {
            return Err(EmptyToken);
        }
        Ok(Token(text.as_bytes().into()))
    }

    /// Whether `candidate` is this token, in constant time.
    pub fn matches(&self, candidate: &[u8]) -> bool {
        constant_time_eq(&self.0, candidate)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(..)")
    }
}

/// An empty string was given as a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmptyToken;

impl fmt::Display for EmptyToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a token may not be empty")
    }
}

impl std::error::Error for EmptyToken {}

/// Compares `secret` and `candidate` touching every byte of `secret` whatever
/// `candidate` holds: no early exit on the first difference, and a length mismatch is
/// folded in as one more difference.
pub fn constant_time_eq(secret: &[u8], candidate: &[u8]) -> bool {
    let mut same: Choice = (secret.len() as u64).ct_eq(&(candidate.len() as u64));
    for (at, byte) in secret.iter().enumerate() {
        let other = candidate.get(at).copied().unwrap_or(0);
        same &= byte.ct_eq(&other);
    }
    same.into()
}

/// The token a request presents: the `X-Authorization` header, else `?token=`.
pub fn presented_token<'r>(headers: &'r HeaderMap, query: Option<&str>) -> Option<Cow<'r, [u8]>> {
    if let Some(value) = headers.get(TOKEN_HEADER) {
        return Some(Cow::Borrowed(value.as_bytes()));
    }
    let value = super::query::param(query?, TOKEN_QUERY)?;
    Some(Cow::Owned(value.into_bytes()))
}

/// Who may subscribe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscribeAccess {
    /// Anyone who can reach the server.
    Open,
    /// Only requests presenting this token.
    Token(Token),
}

/// Who may publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishAccess {
    /// Only requests presenting this token.
    Token(Token),
    /// Only clients on a loopback address (the default when the server itself is bound
    /// to loopback; refused elsewhere by [`ServeConfig`](super::ServeConfig)).
    LoopbackClients,
}

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No token, or the wrong one: `401`.
    BadToken,
    /// Publishing without a token from a non-loopback (or unknown) peer: `403`.
    NotLoopback,
}

impl SubscribeAccess {
    /// Whether the request may subscribe.
    pub fn check(&self, headers: &HeaderMap, query: Option<&str>) -> Result<(), Refusal> {
        match self {
            SubscribeAccess::Open => Ok(()),
            SubscribeAccess::Token(token) => check_token(token, headers, query),
        }
    }
}

impl PublishAccess {
    /// Whether the request, from `peer` (when known), may publish.
    pub fn check(
        &self,
        headers: &HeaderMap,
        query: Option<&str>,
        peer: Option<SocketAddr>,
    ) -> Result<(), Refusal> {
        match self {
            PublishAccess::Token(token) => check_token(token, headers, query),
            PublishAccess::LoopbackClients => match peer {
                Some(peer) if peer.ip().is_loopback() => Ok(()),
                _ => Err(Refusal::NotLoopback),
            },
        }
    }
}

fn check_token(token: &Token, headers: &HeaderMap, query: Option<&str>) -> Result<(), Refusal> {
    match presented_token(headers, query) {
        Some(candidate) if token.matches(&candidate) => Ok(()),
        _ => Err(Refusal::BadToken),
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn constant_time_eq_is_plain_equality() {
        let cases: [(&[u8], &[u8]); 8] = [
            (b"secret", b"secret"),
            (b"secret", b"secreT"),
            (b"secret", b"Secret"),
            (b"secret", b"secret\0"),
            (b"secret", b"secre"),
            (b"secret", b""),
            (b"s", b"s"),
            (b"\xff\x00", b"\xff\x00"),
        ];
        for (secret, candidate) in cases {
            assert_eq!(
                constant_time_eq(secret, candidate),
                secret == candidate,
                "{secret:?} vs {candidate:?}"
            );
        }
        // A candidate that only matches the zero padding of a shorter guess still fails.
        assert!(!constant_time_eq(b"ab\0", b"ab"));
    }

    #[test]
    fn empty_tokens_are_refused_and_debug_hides_the_value() {
        assert_eq!(Token::new(""), Err(EmptyToken));
        assert_eq!(format!("{:?}", Token::new("hunter2").unwrap()), "Token(..)");
    }

    #[test]
    fn header_wins_over_query() {
        let mut headers = HeaderMap::new();
        assert!(presented_token(&headers, Some("a=1")).is_none());
        assert_eq!(
            presented_token(&headers, Some("token=q%20t")).as_deref(),
            Some(&b"q t"[..])
        );
        headers.insert(TOKEN_HEADER, HeaderValue::from_static("h"));
        assert_eq!(
            presented_token(&headers, Some("token=q")).as_deref(),
            Some(&b"h"[..])
        );
    }

    #[test]
    fn access_checks() {
        let token = Token::new("t0k").unwrap();
        let mut good = HeaderMap::new();
        good.insert(TOKEN_HEADER, HeaderValue::from_static("t0k"));
        let none = HeaderMap::new();

        let subscribe = SubscribeAccess::Token(token.clone());
        assert_eq!(subscribe.check(&good, None), Ok(()));
        assert_eq!(subscribe.check(&none, Some("token=t0k")), Ok(()));
        assert_eq!(
            subscribe.check(&none, Some("token=t0K")),
            Err(Refusal::BadToken)
        );
        assert_eq!(subscribe.check(&none, None), Err(Refusal::BadToken));
        assert_eq!(SubscribeAccess::Open.check(&none, None), Ok(()));

        let loopback: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let remote: SocketAddr = "192.0.2.7:5000".parse().unwrap();
        let publish = PublishAccess::LoopbackClients;
        assert_eq!(publish.check(&none, None, Some(loopback)), Ok(()));
        assert_eq!(
            publish.check(&none, None, Some(remote)),
            Err(Refusal::NotLoopback)
        );
        assert_eq!(publish.check(&none, None, None), Err(Refusal::NotLoopback));
        let publish = PublishAccess::Token(token);
        assert_eq!(publish.check(&good, None, Some(remote)), Ok(()));
        assert_eq!(
            publish.check(&none, None, Some(loopback)),
            Err(Refusal::BadToken)
        );
    }
}
