package dev.claudesse.metrics;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address range written as CIDR ("10.0.0.0/8", "::1/128") or a single address ("::1").
 * Only literal addresses are read, never host names, so neither a setting nor a request's remote address
 * ever causes a DNS lookup.
 */
record AddressRange(byte[] network, int prefixBits) {

    /** Hex digits, dots and colons only: what an IPv4 or IPv6 literal is made of. */
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f.:]+");

    static AddressRange parse(String text) {
        String value = text.trim();
        int slash = value.indexOf('/');
        InetAddress address = literal(slash < 0 ? value : value.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range");
        }
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(value.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + bits);
            }
        }
        return new AddressRange(address.getAddress(), prefix);
    }

    /**
     * The address of a literal such as a servlet request's remote address ("127.0.0.1", "0:0:0:0:0:0:0:1",
     * "[::1]", "fe80::1%eth0"), or null when it is not one. An IPv4-mapped IPv6 address comes back as IPv4.
     */
    static InetAddress literal(String text) {
        if (text == null) {
            return null;
        }
        String value = text.trim();
        if (value.startsWith("[") && value.endsWith("]")) {
            value = value.substring(1, value.length() - 1);
        }
        int zone = value.indexOf('%');
        if (zone >= 0) {
            value = value.substring(0, zone);
        }
        if (value.isEmpty() || !LITERAL.matcher(value).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(value); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false; // IPv4 never falls in an IPv6 range or the other way round
        }
        int whole = prefixBits / 8;
        for (int i = 0; i < whole; i++) {
            if (bytes[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (bytes[whole] & mask) == (network[whole] & mask);
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixBits;
        } catch (UnknownHostException e) {
            return "?/" + prefixBits;
        }
    }
}
