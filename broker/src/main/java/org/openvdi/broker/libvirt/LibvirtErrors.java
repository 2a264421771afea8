package org.openvdi.broker.libvirt;

import java.util.Set;
import org.libvirt.Error;
import org.libvirt.Error.ErrorDomain;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.openvdi.broker.hypervisor.HypervisorException;
import org.openvdi.broker.hypervisor.HypervisorFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Classifies libvirt's errors and turns them into the port's {@link HypervisorException}. libvirt's own
 * message may quote files (the test driver quotes the first line of a file it cannot parse) and paths, so
 * it is only logged at debug level; the exception names the kind of failure and libvirt's error number.
 */
final class LibvirtErrors {

    private static final Logger log = LoggerFactory.getLogger(LibvirtErrors.class);

    private static final Set<ErrorNumber> MISSING = Set.of(
            ErrorNumber.VIR_ERR_NO_DOMAIN, ErrorNumber.VIR_ERR_NO_STORAGE_VOL, ErrorNumber.VIR_ERR_NO_STORAGE_POOL);
    private static final Set<ErrorNumber> CONNECTION = Set.of(
            ErrorNumber.VIR_ERR_NO_CONNECT, ErrorNumber.VIR_ERR_INVALID_CONN, ErrorNumber.VIR_ERR_RPC,
            ErrorNumber.VIR_ERR_AUTH_FAILED, ErrorNumber.VIR_ERR_AUTH_UNAVAILABLE, ErrorNumber.VIR_ERR_NO_SERVER);
    private static final Set<ErrorNumber> AUTHENTICATION = Set.of(ErrorNumber.VIR_ERR_AUTH_FAILED,
            ErrorNumber.VIR_ERR_AUTH_UNAVAILABLE, ErrorNumber.VIR_ERR_AUTH_CANCELLED, ErrorNumber.VIR_ERR_ACCESS_DENIED,
            ErrorNumber.VIR_ERR_OPERATION_DENIED);
    /** Busy rather than broken: e.g. the QEMU driver timing out on a domain's job lock. */
    private static final Set<ErrorNumber> TRANSIENT = Set.of(ErrorNumber.VIR_ERR_OPERATION_TIMEOUT);
    private static final Set<ErrorNumber> REFUSED = Set.of(ErrorNumber.VIR_ERR_XML_ERROR, ErrorNumber.VIR_ERR_XML_DETAIL,
            ErrorNumber.VIR_ERR_XML_INVALID_SCHEMA, ErrorNumber.VIR_ERR_INVALID_ARG, ErrorNumber.VIR_ERR_OPERATION_INVALID,
            ErrorNumber.VIR_ERR_CONFIG_UNSUPPORTED, ErrorNumber.VIR_ERR_DOM_EXIST, ErrorNumber.VIR_ERR_STORAGE_VOL_EXIST,
            ErrorNumber.VIR_ERR_CONF_SYNTAX, ErrorNumber.VIR_ERR_PARSE_FAILED);
    private static final Set<ErrorNumber> UNSUPPORTED = Set.of(ErrorNumber.VIR_ERR_NO_SUPPORT,
            ErrorNumber.VIR_ERR_OPERATION_UNSUPPORTED, ErrorNumber.VIR_ERR_ARGUMENT_UNSUPPORTED);
    private static final Set<ErrorDomain> TRANSPORT = Set.of(ErrorDomain.VIR_FROM_RPC, ErrorDomain.VIR_FROM_REMOTE);
    private static final Set<ErrorDomain> STORAGE = Set.of(ErrorDomain.VIR_FROM_STORAGE);

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

    /** The kind of failure, from libvirt's error number and domain only. */
    static HypervisorFailure classify(LibvirtException e) {
        Error error = e.getError();
        if (has(e, AUTHENTICATION)) {
            return HypervisorFailure.AUTHENTICATION_FAILED;
        }
        if (isConnectionFailure(e)) {
            return HypervisorFailure.CONNECTION_FAILED;
        }
        if (isMissing(e)) {
            return HypervisorFailure.NOT_FOUND;
        }
        if (has(e, TRANSIENT)) {
            return HypervisorFailure.BUSY;
        }
        if (isEmulatorStartupFailure(e)) {
            return HypervisorFailure.EMULATOR_FAILED;
        }
        if (has(e, REFUSED)) {
            return HypervisorFailure.REFUSED;
        }
        if (has(e, UNSUPPORTED)) {
            return HypervisorFailure.UNSUPPORTED;
        }
        if (error != null && error.getDomain() != null && STORAGE.contains(error.getDomain())) {
            return HypervisorFailure.STORAGE_FAILED;
        }
        return HypervisorFailure.FAILED;
    }

    /** libvirt's error number, e.g. {@code VIR_ERR_NO_CONNECT}: a fixed name, safe to show. */
    static String errorNumber(LibvirtException e) {
        Error error = e.getError();
        return error == null || error.getCode() == null ? "VIR_ERR_UNKNOWN" : error.getCode().name();
    }

    /** A short summary for logs above debug: the kind of failure and libvirt's error number. */
    static String summary(LibvirtException e) {
        return classify(e).name() + " (" + errorNumber(e) + ")";
    }

    static HypervisorException toHypervisorException(String action, LibvirtException e) {
        boolean retryable = isConnectionFailure(e) || has(e, TRANSIENT) || isEmulatorStartupFailure(e);
        return toHypervisorException(action, e, retryable);
    }

    /**
     * The exception for {@code action}, naming the failure and libvirt's error number but not libvirt's
     * message, which is logged at debug level only; libvirt's exception is not attached as the cause
     * either, so no stack trace logged later carries its message.
     */
    static HypervisorException toHypervisorException(String action, LibvirtException e, boolean retryable) {
        HypervisorFailure failure = classify(e);
        log.debug("{} failed; libvirt said: {}", action, e.getMessage(), e);
        return new HypervisorException(failure, action + " failed: " + failure.description() + " (" + errorNumber(e) + ")",
                retryable, null);
    }

    private static boolean has(LibvirtException e, Set<ErrorNumber> codes) {
        Error error = e.getError();
        return error != null && error.getCode() != null && codes.contains(error.getCode());
    }
}
