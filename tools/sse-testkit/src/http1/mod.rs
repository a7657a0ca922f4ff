//! HTTP/1.1 response reading shared by every raw loopback client of the workspace
//! (the behaviour suite, the raw client, the fan-out load generator): the response
//! head by `httparse` ([`head`]), and a chunked body decoder that hands out the data
//! in place ([`chunked`]).

pub mod chunked;
pub mod head;
