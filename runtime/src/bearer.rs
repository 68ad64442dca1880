//! The bearer token of an `authorization` value (`Bearer <token>`), read the one way the
//! server (which verifies it) and the edge (which only asks that there is one) both read it.

/// The token in `authorization`, or why there is none, in words for the caller.
pub fn token(authorization: Option<&str>) -> Result<&str, &'static str> {
    let value = authorization.ok_or("missing bearer token")?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or("authorization must be \"Bearer <token>\"")?
        .trim();
    if token.is_empty() { Err("missing bearer token") } else { Ok(token) }
}

#[cfg(test)]
mod tests {
    use super::token;

    #[test]
    fn a_token_is_read_only_from_a_bearer_value() {
        assert_eq!(token(Some("Bearer a.b.c")), Ok("a.b.c"));
        assert_eq!(token(Some("bearer a.b.c ")), Ok("a.b.c"));
        assert_eq!(token(None), Err("missing bearer token"));
        assert_eq!(token(Some("Bearer  ")), Err("missing bearer token"));
        assert_eq!(token(Some("Basic dXNlcjpwdw==")), Err("authorization must be \"Bearer <token>\""));
    }
}
