package dev.claudesse.web;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One clock for every open stream's ping: each tick wakes the relays that have been quiet for the
 * ping interval, and each writes its own ping. Cheaper than a timer per connection, and the failed
 * ping is how a vanished idle browser is found.
 */
final class Pinger {

    private final Set<EventRelay> relays = ConcurrentHashMap.newKeySet();

    void add(EventRelay relay) {
        relays.add(relay);
    }

    void remove(EventRelay relay) {
        relays.remove(relay);
    }

    void tick() {
        long now = System.nanoTime();
        for (EventRelay relay : relays) {
            relay.wakeIfQuiet(now);
        }
    }

    int open() {
        return relays.size();
    }
}
