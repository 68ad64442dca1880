//! End-to-end tests: real server, workers and edge on ephemeral ports, real Redis,
//! SQLite and Postgres, real HTTP and gRPC clients, real DOCX files read back.

mod auth;
mod batches;
mod cache;
mod candidates;
mod cluster;
mod content;
mod costs;
mod erasure;
mod fair;
mod fit;
mod grpc;
mod history;
mod imports;
mod jobs;
mod letters;
mod limits;
mod model;
mod oidc;
mod operations;
mod outage;
mod partial;
mod repair;
mod rest;
mod retention;
mod roles;
mod speed;
mod targets;
mod timeline;
mod validation;
mod web;
