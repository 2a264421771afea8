package org.openvdi.gateway.tunnel;

import org.apache.guacamole.net.GuacamoleTunnel;
import org.openvdi.contract.ConnectionGrant;
import org.openvdi.gateway.redeem.BrokerRedeemClient;
import org.openvdi.gateway.redeem.BrokerUnavailableException;
import org.openvdi.gateway.redeem.RedeemRejectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The two steps that open a tunnel, with their failures expressed as {@link TunnelFailure}s. */
@Component
class TunnelOpener {

    private static final Logger log = LoggerFactory.getLogger(TunnelOpener.class);

    private final BrokerRedeemClient broker;
    private final GuacdConnector guacd;

    TunnelOpener(BrokerRedeemClient broker, GuacdConnector guacd) {
        this.broker = broker;
        this.guacd = guacd;
    }

    /** Redeems the request's token once at the broker. */
    ConnectionGrant redeem(TunnelRequest request) throws TunnelFailureException {
        if (request.token() == null) {
            throw new TunnelFailureException(TunnelFailure.TOKEN_MISSING, "the tunnel URL has no token");
        }
        try {
            return broker.redeem(request.token(), request.clientAddress());
        } catch (RedeemRejectedException e) {
            TunnelFailure failure = TunnelFailure.fromBrokerCode(e.code()).orElse(TunnelFailure.BROKER_UNAVAILABLE);
            if (failure == TunnelFailure.BROKER_UNAVAILABLE) {
                log.error("The broker answered with a problem code outside the redeem contract: {}", e.code());
            }
            throw new TunnelFailureException(failure, e.getMessage(), e);
        } catch (BrokerUnavailableException e) {
            throw new TunnelFailureException(TunnelFailure.BROKER_UNAVAILABLE, e.getMessage(), e);
        }
    }

    /** Joins a viewer to the owner's open guacd connection. */
    GuacamoleTunnel join(String guacdConnectionId, ConnectionGrant grant, TunnelRequest request)
            throws TunnelFailureException {
        return guacd.join(guacdConnectionId, grant, request);
    }

    /** Connects guacd to the granted display. */
    GuacamoleTunnel connect(ConnectionGrant grant, TunnelRequest request) throws TunnelFailureException {
        return guacd.connect(grant, request);
    }
}
