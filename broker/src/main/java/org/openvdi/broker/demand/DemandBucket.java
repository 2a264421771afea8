package org.openvdi.broker.demand;

import java.time.Instant;

/**
 * Five minutes of one pool's demand. Requests, warm hits, cold starts, failures and the cold starts' total wait count
 * the requests made in the bucket; {@code sessions} and {@code spares} count the sessions holding a desktop and the
 * READY spares at some time in the bucket, {@code idleSpareMinutes} the spare time in it; the lead times are of the
 * provisionings that became READY in it (null when none did).
 */
public record DemandBucket(Instant start, int requests, int warmHits, int coldStarts, int failed, long coldWaitMillis,
                           int sessions, int spares, double idleSpareMinutes, Long leadTimeP50Millis,
                           Long leadTimeP95Millis) {
}
