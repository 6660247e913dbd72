//! Starting and stopping a simulator server.
