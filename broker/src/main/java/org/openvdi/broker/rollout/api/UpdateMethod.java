package org.openvdi.broker.rollout.api;

/**
 * How one desktop moves to the new version.
 * <ul>
 *   <li>SURGE: a replacement is provisioned beside it, and it is recycled once the replacement is ready;</li>
 *   <li>IN_PLACE: it is recycled and its replacement requested at once (it is unavailable meanwhile);</li>
 *   <li>RECOMPOSE: an owned desktop keeps its identity and owner and is rebuilt on the new version;</li>
 *   <li>RETIRED: a floating desktop recycled when its session ended; the pool replaces it on the new version;</li>
 *   <li>FRESH: no desktop of the pool can move now (the pool is empty, or every desktop is in use), so a new one is
 *       provisioned on the new version to prove it as the canary; it stays in the pool as a spare.</li>
 * </ul>
 */
public enum UpdateMethod {
    SURGE, IN_PLACE, RECOMPOSE, RETIRED, FRESH
}
