package dev.claudesse.web;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One clock for every open stream's ping: each tick pings the connections that have been quiet for the
 * ping interval. Cheaper than a timer per connection, and the failed ping is how a vanished idle
 * browser is found.
 */
final class Pinger {

    private final Set<SseConnection> connections = ConcurrentHashMap.newKeySet();

    void add(SseConnection connection) {
        connections.add(connection);
    }

    void remove(SseConnection connection) {
        connections.remove(connection);
    }

    void tick() {
        long now = System.nanoTime();
        for (SseConnection connection : connections) {
            connection.pingIfQuiet(now);
        }
    }

    int open() {
        return connections.size();
    }
}
