package org.openvdi.broker.libvirt;

import java.util.Set;
import org.libvirt.Error;
import org.libvirt.Error.ErrorDomain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.openvdi.broker.hypervisor.HypervisorException;

/** Classifies libvirt's errors and turns them into the port's {@link HypervisorException}. */
final class LibvirtErrors {

    private static final Set<ErrorNumber> MISSING = Set.of(
            ErrorNumber.VIR_ERR_NO_DOMAIN, ErrorNumber.VIR_ERR_NO_STORAGE_VOL, ErrorNumber.VIR_ERR_NO_STORAGE_POOL);
    private static final Set<ErrorNumber> CONNECTION = Set.of(
            ErrorNumber.VIR_ERR_NO_CONNECT, ErrorNumber.VIR_ERR_INVALID_CONN, ErrorNumber.VIR_ERR_RPC,
            ErrorNumber.VIR_ERR_AUTH_FAILED, ErrorNumber.VIR_ERR_AUTH_UNAVAILABLE, ErrorNumber.VIR_ERR_NO_SERVER);
    /** Busy rather than broken: e.g. the QEMU driver timing out on a domain's job lock. */
    private static final Set<ErrorNumber> TRANSIENT = Set.of(ErrorNumber.VIR_ERR_OPERATION_TIMEOUT);
    private static final Set<ErrorDomain> TRANSPORT = Set.of(ErrorDomain.VIR_FROM_RPC, ErrorDomain.VIR_FROM_REMOTE);

    private LibvirtErrors() {
    }

    /** The domain, volume or pool looked for does not exist. */
    static boolean isMissing(LibvirtException e) {
        return has(e, MISSING);
    }

    /** The connection to libvirtd is broken or could not be made; a new connection may succeed. */
    static boolean isConnectionFailure(LibvirtException e) {
        Error error = e.getError();
        return has(e, CONNECTION) || (error != null && error.getDomain() != null && TRANSPORT.contains(error.getDomain()));
    }

    /** The emulator process died while libvirt was connecting to its monitor: seen under heavy load. */
    static boolean isEmulatorStartupFailure(LibvirtException e) {
        Error error = e.getError();
        return error != null && error.getCode() == ErrorNumber.VIR_ERR_INTERNAL_ERROR
                && String.valueOf(error.getMessage()).contains("connecting to monitor");
    }

    static HypervisorException toHypervisorException(String action, LibvirtException e) {
        return new HypervisorException(action + " failed: " + e.getMessage(), isConnectionFailure(e) || has(e, TRANSIENT) || isEmulatorStartupFailure(e), e);
    }

    private static boolean has(LibvirtException e, Set<ErrorNumber> codes) {
        Error error = e.getError();
        return error != null && error.getCode() != null && codes.contains(error.getCode());
    }
}
