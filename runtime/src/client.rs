//! How the edge and the workers reach the servers.

use std::time::Duration;

use tonic::transport::{Channel, Endpoint, Error};

/// A channel balanced over every URL in `urls` (`SERVER_URL`, comma-separated) that fails
/// over between them. It connects lazily, so a client starts before the server does.
pub fn balanced(urls: &[String]) -> Result<Channel, Error> {
    let endpoints = urls
        .iter()
        .map(|url| {
            Ok(Endpoint::from_shared(url.clone())?
                .connect_timeout(Duration::from_secs(3))
                .tcp_nodelay(true)
                .http2_keep_alive_interval(Duration::from_secs(30))
                .keep_alive_while_idle(true))
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Channel::balance_list(endpoints.into_iter()))
}
