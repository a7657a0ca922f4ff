//! Query-string parameters of the API (`?token=`, `?event=`, `?topics=`), decoded as
//! `application/x-www-form-urlencoded` by `form_urlencoded`.

/// Every value of `name` in `query`, in order.
pub fn params<'q>(query: &'q str, name: &'q str) -> impl Iterator<Item = String> + 'q {
    form_urlencoded::parse(query.as_bytes())
        .filter(move |(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

/// The first value of `name` in `query`.
pub fn param(query: &str, name: &str) -> Option<String> {
    params(query, name).next()
}
