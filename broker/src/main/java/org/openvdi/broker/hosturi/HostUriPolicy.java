package org.openvdi.broker.hosturi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.openvdi.broker.hosturi.HostUri.Scheme;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Decides whether the broker may open a libvirt host URI. libvirt URIs can run programs as the broker
 * ({@code ?command=}, {@code ?netcat=}), reach any socket ({@code ?socket=}) or have the test driver read
 * any file and quote it in its error; so only what an operator needs passes:
 * <ul>
 *   <li>{@code qemu:///system}, {@code qemu://host[:port]/system}, {@code qemu+tls://host[:port]/system},
 *       {@code qemu+ssh://[user@]host[:port]/system}, and {@code qemu+tcp://host[:port]/system} only when
 *       {@link HostUriSettings#allowTcp()} is on (see {@link HostUriSyntax} for the exact grammar);</li>
 *   <li>the parameters of {@link HostUriParameter}; files and directories they name must lie inside the
 *       configured directory;</li>
 *   <li>{@code test:///default}, or an XML file inside {@link HostUriSettings#testDriverDirectory()}.</li>
 * </ul>
 * A named file must exist, be of the right type, and no component below the configured directory may be
 * a symbolic link (each is read without following links), so neither {@code ..} nor a link leads out.
 * libvirt opens the file later by its path: the check is repeated each time a connection is opened.
 */
@Component
public final class HostUriPolicy {

    private final HostUriSettings settings;
    private final boolean syntaxOnly;

    @Autowired
    public HostUriPolicy(HostUriSettings settings) {
        this(settings, false);
    }

    private HostUriPolicy(HostUriSettings settings, boolean syntaxOnly) {
        this.settings = settings;
        this.syntaxOnly = syntaxOnly;
    }

    /**
     * Only the grammar ({@link HostUriSyntax}), qemu+tcp included, without the settings or the file system:
     * the fallback of a libvirt adapter built without the settings.
     */
    public static HostUriPolicy syntaxOnly() {
        return new HostUriPolicy(HostUriSettings.strict(), true);
    }

    /** The parsed URI if it is allowed; otherwise throws {@link HostUriNotAllowedException} saying why. */
    public HostUri check(String uri) {
        HostUri parsed = HostUriSyntax.parse(uri);
        if (syntaxOnly) {
            return parsed;
        }
        if (parsed.scheme() == Scheme.QEMU_TCP && !settings.allowTcp()) {
            throw HostUriSyntax.refused("qemu+tcp is turned off (openvdi.host-uris.allow-tcp)");
        }
        if (parsed.scheme() == Scheme.TEST && !parsed.isDefaultTestHost()) {
            requireInside(settings.testDriverDirectory(), parsed.path(), false, "test driver files");
        }
        for (Map.Entry<String, String> parameter : parsed.parameters().entrySet()) {
            HostUriParameter known = HostUriParameter.of(parameter.getKey(), parsed.scheme()).orElseThrow();
            switch (known.value()) {
                case FILE -> requireInside(settings.sshKeyDirectory(), parameter.getValue(), false, known.text());
                case DIRECTORY -> requireInside(settings.tlsPkiDirectory(), parameter.getValue(), true, known.text());
                case FLAG -> {
                    if (known == HostUriParameter.NO_VERIFY && "1".equals(parameter.getValue())
                            && !settings.allowNoVerify()) {
                        throw HostUriSyntax.refused("no_verify=1 is turned off (openvdi.host-uris.allow-no-verify)");
                    }
                }
            }
        }
        return parsed;
    }

    private static void requireInside(Path directory, String value, boolean wantDirectory, String what) {
        if (directory == null) {
            throw HostUriSyntax.refused(what + " are turned off: no directory is configured for them");
        }
        Path base = directory.normalize();
        Path path = Path.of(value);
        if (!path.startsWith(base) || path.equals(base)) {
            throw HostUriSyntax.refused(what + " must lie inside their configured directory");
        }
        Path current;
        try {
            current = base.toRealPath();
        } catch (IOException e) {
            throw HostUriSyntax.refused("the configured directory of " + what + " does not exist");
        }
        BasicFileAttributes attributes = null;
        for (Path part : base.relativize(path)) {
            current = current.resolve(part);
            attributes = attributes(current, what);
            if (attributes.isSymbolicLink()) {
                throw HostUriSyntax.refused(what + " must not be or pass through a symbolic link");
            }
        }
        if (wantDirectory ? !attributes.isDirectory() : !attributes.isRegularFile()) {
            throw HostUriSyntax.refused(what + " must name " + (wantDirectory ? "a directory" : "a regular file"));
        }
    }

    private static BasicFileAttributes attributes(Path path, String what) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw HostUriSyntax.refused(what + " must name an existing file");
        } catch (IOException e) {
            throw HostUriSyntax.refused(what + " cannot be read");
        }
    }
}
