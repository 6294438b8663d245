package dev.claudesse.limits;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Which address a request comes from. The socket's peer, unless that peer is a trusted proxy: then the
 * X-Forwarded-For chain is read from the right (each proxy appends the address it saw), and the first
 * address that is not itself a trusted proxy is the client. Whatever a client writes into the header
 * itself stands to the left of what the proxies appended, so it is never reached while a trusted proxy
 * vouches for the hop after it. An entry that is not an IP literal ends the walk at the proxy that passed
 * it on. Nothing from a peer that is not a trusted proxy is believed.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    /**
     * @param socketAddress the peer's address as the container gives it (getRemoteAddr)
     * @param forwardedFor  every X-Forwarded-For header value, in arrival order (empty when none)
     * @return the client's address, or null when the socket's address is not an IP literal
     */
    public static InetAddress resolve(String socketAddress, List<String> forwardedFor, AddressRanges trusted) {
        InetAddress hop = IpAddresses.parse(socketAddress);
        if (hop == null || !trusted.contains(hop)) {
            return hop;
        }
        List<String> chain = entries(forwardedFor);
        for (int i = chain.size() - 1; i >= 0; i--) {
            InetAddress claimed = IpAddresses.parse(chain.get(i));
            if (claimed == null) {
                return hop; // unreadable: the proxy that passed it on stands for the client
            }
            hop = claimed;
            if (!trusted.contains(hop)) {
                return hop;
            }
        }
        return hop; // every hop is a trusted proxy (or no header): the one farthest from the app
    }

    /** The header's entries in order: several headers are one list, as if joined by commas. */
    static List<String> entries(List<String> forwardedFor) {
        List<String> entries = new ArrayList<>();
        for (String value : forwardedFor) {
            if (value == null) {
                continue;
            }
            for (String entry : value.split(",")) {
                if (!entry.isBlank()) {
                    entries.add(entry.strip());
                }
            }
        }
        return entries;
    }
}
