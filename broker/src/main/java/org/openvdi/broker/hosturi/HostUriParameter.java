package org.openvdi.broker.hosturi;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.openvdi.broker.hosturi.HostUri.Scheme;

/**
 * The only query parameters a host URI may carry. libvirt knows many more, and some of them run programs
 * ({@code command}, {@code netcat}, {@code proxy}) or choose sockets ({@code socket}): those are refused.
 */
public enum HostUriParameter {
    /** ssh private key; a file in the ssh key directory. */
    KEYFILE("keyfile", Value.FILE, EnumSet.of(Scheme.QEMU_SSH)),
    /** ssh known hosts file; a file in the ssh key directory. */
    KNOWN_HOSTS("known_hosts", Value.FILE, EnumSet.of(Scheme.QEMU_SSH)),
    /** TLS certificates; a directory in the TLS PKI directory. */
    PKIPATH("pkipath", Value.DIRECTORY, EnumSet.of(Scheme.QEMU_TLS, Scheme.QEMU)),
    /**
     * 1 skips libvirt's own checks of the remote end (host key of ssh, server certificate of TLS); the policy
     * accepts 1 only when {@link HostUriSettings#allowNoVerify()} is on.
     */
    NO_VERIFY("no_verify", Value.FLAG, EnumSet.of(Scheme.QEMU_SSH, Scheme.QEMU_TLS, Scheme.QEMU)),
    /** 1 keeps ssh from asking for a password on a terminal. */
    NO_TTY("no_tty", Value.FLAG, EnumSet.of(Scheme.QEMU_SSH));

    /** What a parameter's value is. */
    public enum Value {
        FILE, DIRECTORY, FLAG;

        /** An absolute path of plain components: no {@code .}, {@code ..}, empty component or unusual character. */
        private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9._-]{1,128}){1,32}");
        private static final Pattern FLAG_VALUE = Pattern.compile("[01]");

        boolean accepts(String value) {
            if (this == FLAG) {
                return FLAG_VALUE.matcher(value).matches();
            }
            return isPlainPath(value);
        }

        static boolean isPlainPath(String value) {
            return PATH.matcher(value).matches()
                    && Arrays.stream(value.substring(1).split("/")).noneMatch(part -> part.equals(".") || part.equals(".."));
        }
    }

    private final String text;
    private final Value value;
    private final Set<Scheme> schemes;

    HostUriParameter(String text, Value value, Set<Scheme> schemes) {
        this.text = text;
        this.value = value;
        this.schemes = schemes;
    }

    public String text() {
        return text;
    }

    public Value value() {
        return value;
    }

    /** The parameter of that exact (case-sensitive) name, if {@code scheme} may carry it. */
    static Optional<HostUriParameter> of(String name, Scheme scheme) {
        return Arrays.stream(values()).filter(p -> p.text.equals(name) && p.schemes.contains(scheme)).findFirst();
    }
}
