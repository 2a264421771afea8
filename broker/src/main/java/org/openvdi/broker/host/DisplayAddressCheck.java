package org.openvdi.broker.host;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Whether a host's display address can do its two jobs: QEMU listens there for each desktop's VNC display, and guacd
 * and the broker connect there. So it must name one address of the host: a host name, a dotted-quad IPv4 address or
 * an IPv6 address, never the wildcard ({@code 0.0.0.0}, {@code ::}), which would open every display on every
 * interface of the host and hand guacd an address it cannot connect to. QEMU resolves the address with
 * getaddrinfo, which reads {@code 0}, {@code 0x0} or {@code 127.1} as IPv4 addresses too: such short or hexadecimal
 * forms are refused, so that what is stored is what QEMU binds, and so is a name of numbers only (no top-level
 * domain is). Nothing here looks a name up.
 */
final class DisplayAddressCheck {

    private static final Pattern NUMERIC_PART = Pattern.compile("(?i)0x[0-9a-f]*|[0-9]+");
    private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    private static final Pattern DOTTED_QUAD = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
    private static final Pattern HOST_NAME = Pattern.compile(
            "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");

    private DisplayAddressCheck() {
    }

    /** Why {@code address} cannot be a display address, or empty when it can. */
    static Optional<String> refusal(String address) {
        if (address.contains(":")) {
            return ipv6Refusal(address);
        }
        String[] parts = address.split("\\.", -1);
        if (Arrays.stream(parts).allMatch(part -> NUMERIC_PART.matcher(part).matches())) {
            if (!DOTTED_QUAD.matcher(address).matches()) {
                return Optional.of("an IPv4 display address must be four decimal numbers from 0 to 255");
            }
            return address.equals("0.0.0.0") ? wildcard() : Optional.empty();
        }
        return HOST_NAME.matcher(address).matches() ? Optional.empty()
                : Optional.of("a display address must be a host name, an IPv4 or an IPv6 address");
    }

    private static Optional<String> ipv6Refusal(String address) {
        if (!IPV6.matcher(address).matches()) {
            return Optional.of("a display address with a colon must be an IPv6 address");
        }
        try {
            // a literal with a colon is parsed, never looked up
            return InetAddress.getByName(address).isAnyLocalAddress() ? wildcard() : Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of("a display address with a colon must be an IPv6 address");
        }
    }

    private static Optional<String> wildcard() {
        return Optional.of("a display address must be one address of the host that guacd reaches, not the wildcard");
    }
}
