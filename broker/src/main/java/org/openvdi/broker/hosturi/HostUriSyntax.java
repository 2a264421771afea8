package org.openvdi.broker.hosturi;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.openvdi.broker.hosturi.HostUri.Scheme;

/**
 * Parses a host URI by a grammar much narrower than RFC 3986 and libvirt's: plain ASCII only (so no
 * percent-encoding, fragment, white space, control or bidi character), one of the known schemes, a host
 * name or address with an optional port (and an ssh user), the path {@code /system} (for the test driver
 * {@code /default} or an XML file's absolute path) and only the parameters of {@link HostUriParameter},
 * each at most once. It does not look at the file system: {@link HostUriPolicy} does.
 */
final class HostUriSyntax {

    static final int MAX_LENGTH = 512;

    private static final Pattern CHARACTERS = Pattern.compile("[A-Za-z0-9._~:/?&=@+\\-\\[\\]]+");
    private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern HOST_NAME = Pattern.compile(LABEL + "(?:\\." + LABEL + ")*");
    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");
    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
            + "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");

    private HostUriSyntax() {
    }

    static HostUri parse(String uri) {
        if (uri == null || uri.isEmpty()) {
            throw refused("a host URI is required");
        }
        if (uri.length() > MAX_LENGTH) {
            throw refused("a host URI has at most " + MAX_LENGTH + " characters");
        }
        if (!CHARACTERS.matcher(uri).matches()) {
            throw refused("a host URI may only hold ASCII letters, digits and . _ ~ : / ? & = @ + - [ ]"
                    + " (no percent-encoding, fragment, space or control character)");
        }
        int separator = uri.indexOf("://");
        if (separator < 0) {
            throw refused("a host URI starts with scheme://");
        }
        String schemeText = uri.substring(0, separator);
        Scheme scheme = Arrays.stream(Scheme.values()).filter(s -> s.text().equals(schemeText)).findFirst()
                .orElseThrow(() -> refused("the scheme must be qemu, qemu+ssh, qemu+tls, qemu+tcp or test"));
        String rest = uri.substring(separator + 3);
        int question = rest.indexOf('?');
        String hierarchy = question < 0 ? rest : rest.substring(0, question);
        String query = question < 0 ? null : rest.substring(question + 1);
        int slash = hierarchy.indexOf('/');
        if (slash < 0) {
            throw refused("a host URI needs a path such as /system");
        }
        String authority = hierarchy.substring(0, slash);
        String path = hierarchy.substring(slash);
        HostUri parsed = authority(scheme, authority, path, parameters(scheme, authority, query));
        requirePath(parsed);
        return parsed;
    }

    private static HostUri authority(Scheme scheme, String authority, String path, Map<String, String> parameters) {
        if (authority.isEmpty()) {
            if (scheme != Scheme.TEST && scheme != Scheme.QEMU) {
                throw refused("a remote host URI needs a host name");
            }
            return new HostUri(scheme, null, null, -1, path, parameters);
        }
        if (scheme == Scheme.TEST) {
            throw refused("the test driver takes no host name");
        }
        String user = null;
        String hostPort = authority;
        int at = authority.indexOf('@');
        if (at >= 0) {
            user = authority.substring(0, at);
            hostPort = authority.substring(at + 1);
            if (scheme != Scheme.QEMU_SSH || !USER.matcher(user).matches() || hostPort.indexOf('@') >= 0) {
                throw refused("only qemu+ssh URIs may name a user, as user@host with a plain user name");
            }
        }
        String host;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw refused("an IPv6 address needs its closing bracket");
            }
            host = ipv6(hostPort.substring(1, close));
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw refused("only a port may follow an IPv6 address");
                }
                port = after.substring(1);
            }
        } else {
            int colon = hostPort.indexOf(':');
            host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            port = colon < 0 ? null : hostPort.substring(colon + 1);
            requireHostName(host);
        }
        return new HostUri(scheme, user, host, port == null ? -1 : port(port), path, parameters);
    }

    private static void requireHostName(String host) {
        boolean valid = host.length() <= 253 && HOST_NAME.matcher(host).matches()
                && (!NUMERIC.matcher(host).matches() || IPV4.matcher(host).matches());
        if (!valid) {
            throw refused("the host must be a host name, an IPv4 address or an IPv6 address in brackets");
        }
    }

    private static String ipv6(String address) {
        if (!IPV6.matcher(address).matches() || address.indexOf(':') < 0) {
            throw refused("the address in brackets is not an IPv6 address");
        }
        try {
            // a literal with a colon is parsed, never looked up
            if (!(InetAddress.getByName(address) instanceof Inet6Address)) {
                throw refused("the address in brackets is not an IPv6 address");
            }
        } catch (UnknownHostException e) {
            throw refused("the address in brackets is not an IPv6 address");
        }
        return address;
    }

    private static int port(String port) {
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
            throw refused("the port must be a number from 1 to 65535");
        }
        return Integer.parseInt(port);
    }

    private static Map<String, String> parameters(Scheme scheme, String authority, String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query == null) {
            return parameters;
        }
        boolean local = scheme == Scheme.TEST || (scheme == Scheme.QEMU && authority.isEmpty());
        if (local || query.isEmpty()) {
            throw refused(local ? "local host URIs take no parameters" : "an empty query is not allowed");
        }
        for (String pair : query.split("&", -1)) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            Optional<HostUriParameter> parameter = HostUriParameter.of(name, scheme);
            if (parameter.isEmpty()) {
                throw refused("allowed parameters for " + scheme.text() + " are " + allowed(scheme));
            }
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            if (!parameter.get().value().accepts(value)) {
                throw refused("the value of " + name + " must be " + (parameter.get().value() == HostUriParameter.Value.FLAG
                        ? "0 or 1" : "an absolute path without . or .. components"));
            }
            if (parameters.put(name, value) != null) {
                throw refused("the parameter " + name + " appears twice");
            }
        }
        return parameters;
    }

    private static String allowed(Scheme scheme) {
        return Arrays.stream(HostUriParameter.values()).filter(p -> HostUriParameter.of(p.text(), scheme).isPresent())
                .map(HostUriParameter::text).reduce((a, b) -> a + ", " + b).orElse("none");
    }

    private static void requirePath(HostUri uri) {
        if (uri.scheme() == Scheme.TEST) {
            if (!uri.isDefaultTestHost() && !(HostUriParameter.Value.isPlainPath(uri.path()) && uri.path().endsWith(".xml"))) {
                throw refused("the test driver takes /default or the absolute path of an .xml file");
            }
        } else if (!uri.path().equals("/system")) {
            throw refused("the path must be /system");
        }
    }

    static HostUriNotAllowedException refused(String why) {
        return new HostUriNotAllowedException("Host URI not allowed: " + why);
    }
}
