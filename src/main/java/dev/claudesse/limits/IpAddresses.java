package dev.claudesse.limits;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** IP address literals as proxies and containers write them, read without ever asking DNS. */
public final class IpAddresses {

    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern V6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");
    private static final Pattern PORT = Pattern.compile(":\\d{1,5}");

    private IpAddresses() {
    }

    /**
     * The address a text names, or null when it is not an IP literal (a host name, "unknown", garbage).
     * Takes what X-Forwarded-For entries look like in practice: {@code 203.0.113.7}, {@code 203.0.113.7:4711},
     * {@code 2001:db8::1}, {@code [2001:db8::1]:4711}, a zone ({@code fe80::1%eth0}). An IPv4-mapped IPv6
     * address ({@code ::ffff:203.0.113.7}) is its IPv4 address.
     */
    public static InetAddress parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.strip();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || !(close == s.length() - 1 || PORT.matcher(s.substring(close + 1)).matches())) {
                return null;
            }
            s = s.substring(1, close);
        } else {
            int colon = s.indexOf(':');
            if (colon > 0 && colon == s.lastIndexOf(':') && s.indexOf('.') > 0
                    && PORT.matcher(s.substring(colon)).matches()) {
                s = s.substring(0, colon); // IPv4 with a port
            }
        }
        int zone = s.indexOf('%');
        if (zone >= 0) {
            s = s.substring(0, zone);
        }
        Matcher v4 = V4.matcher(s);
        if (v4.matches()) {
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(v4.group(i + 1));
                if (part > 255) {
                    return null;
                }
                bytes[i] = (byte) part;
            }
            return byAddress(bytes);
        }
        if (s.indexOf(':') < 0 || !V6.matcher(s).matches()) {
            return null;
        }
        try {
            // a text that starts with a hex digit or ':' and holds a ':' is parsed as an IPv6 literal, never looked up
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * What the per-address limits count by: an IPv4 address itself, an IPv6 address by its /64 (one
     * customer's network: a host may pick any address in it, so counting single addresses would count nothing).
     */
    public static String limitKey(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] bytes = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(bytes, 8, 16, (byte) 0);
            return byAddress(bytes).getHostAddress() + "/64";
        }
        return address.getHostAddress();
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // only for a wrong length
        }
    }
}
