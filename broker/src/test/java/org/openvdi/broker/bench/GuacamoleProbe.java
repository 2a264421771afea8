package org.openvdi.broker.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.net.GuacamoleTunnel;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * Times Guacamole exchanges on a {@link GuacamoleLink}, in microseconds.
 *
 * <p>What really goes to guacd and back: after the handshake guacd 1.3.0 answers only {@code disconnect} at once.
 * A client's {@code sync} merely updates guacd's lag estimate, {@code nop} is ignored, and the {@code ack} that
 * refuses an unsupported stream waits in guacd's output buffer until the display's next frame is flushed. So
 * <ul>
 * <li>the round trip is {@code disconnect} → {@code disconnect}: guacd stops the user's input thread and answers
 * at once, before it tears the connection down; one sample per connection;</li>
 * <li>the way back alone is timed on every frame: guacd stamps each frame's closing {@code sync} with its own
 * clock in ms (CLOCK_MONOTONIC in guacd 1.3.0, the clock {@link System#nanoTime()} reads on Linux), so arrival
 * minus stamp is that frame's delay from guacd to the client (stamps are whole ms, so each delay reads up to 1 ms
 * high, the same on both routes);</li>
 * <li>the tunnel's internal ping ({@code 0.,4.ping,<ts>;}) is answered by the gateway itself and never reaches
 * guacd: it times the client-to-gateway hop alone.</li>
 * </ul>
 * Frames are made on purpose by typing into the guest's shell: 'a', then BackSpace, and so on.
 */
final class GuacamoleProbe {

    /** Something that opens a link; the clock runs from its call. */
    interface Opener {
        GuacamoleLink open() throws GuacamoleException;
    }

    /** An open link and how long it took from opening until guacd's first frame arrived. */
    record Opened(GuacamoleLink link, long setupMicros) {
    }

    private static final List<String> KEYSYMS = List.of("97", "65288");
    private static final long CLOCK_TOLERANCE_MICROS = 60_000_000;
    static final long QUIET_MILLIS = 200;

    private int typed;

    /** Opens a link and waits for the first {@code sync} (the end of guacd's first frame). */
    Opened open(Opener opener) throws GuacamoleException {
        long start = System.nanoTime();
        GuacamoleLink link = opener.open();
        try {
            awaitOpcode(link, "sync");
            return new Opened(link, micros(start));
        } catch (GuacamoleException | RuntimeException e) {
            link.close();
            throw e;
        }
    }

    /** Types one key into the guest and waits for the frame that shows it, so that the display is quiet after. */
    void typeAndAwaitFrame(GuacamoleLink link) throws GuacamoleException {
        type(link);
        awaitOpcode(link, "sync");
    }

    /**
     * Sends {@code disconnect} and waits for guacd's {@code disconnect}, on a quiet connection: after a key typed,
     * its frame received and {@value #QUIET_MILLIS} ms of nothing. The link is finished afterwards.
     */
    long disconnectRoundTrip(GuacamoleLink link) throws GuacamoleException, InterruptedException {
        typeAndAwaitFrame(link);
        Thread.sleep(QUIET_MILLIS);
        long start = System.nanoTime();
        link.send(new GuacamoleInstruction("disconnect").toString());
        awaitOpcode(link, "disconnect");
        return micros(start);
    }

    /**
     * Types a key at a time for {@code window}, waiting for a frame after each, and adds the delay of every frame,
     * guacd's stamp to arrival.
     */
    void frameDelays(GuacamoleLink link, Duration window, Samples delays) throws GuacamoleException {
        Instant end = Instant.now().plus(window);
        while (Instant.now().isBefore(end)) {
            type(link);
            GuacamoleInstruction sync = awaitOpcode(link, "sync");
            delays.add(sinceStamp(Long.parseLong(sync.getArgs().get(0))));
        }
    }

    /** Sends the tunnel's internal ping {@code count} times and adds each round trip (answered by the gateway). */
    void tunnelPings(GuacamoleLink link, int count, Samples roundTrips) throws GuacamoleException {
        for (int i = 0; i < count; i++) {
            String stamp = Long.toString(System.nanoTime());
            long start = System.nanoTime();
            link.send(new GuacamoleInstruction(GuacamoleTunnel.INTERNAL_DATA_OPCODE, "ping", stamp).toString());
            GuacamoleInstruction answer;
            do {
                answer = next(link);
            } while (!(answer.getOpcode().equals(GuacamoleTunnel.INTERNAL_DATA_OPCODE)
                    && answer.getArgs().equals(List.of("ping", stamp))));
            roundTrips.add(micros(start));
        }
    }

    /** Presses and releases the next key. */
    private void type(GuacamoleLink link) throws GuacamoleException {
        String keysym = KEYSYMS.get(typed++ % KEYSYMS.size());
        link.send(new GuacamoleInstruction("key", keysym, "1").toString() + new GuacamoleInstruction("key", keysym, "0"));
    }

    /** Reads until an instruction with {@code opcode}. */
    private static GuacamoleInstruction awaitOpcode(GuacamoleLink link, String opcode) throws GuacamoleException {
        GuacamoleInstruction instruction = next(link);
        while (!instruction.getOpcode().equals(opcode)) {
            instruction = next(link);
        }
        return instruction;
    }

    private static GuacamoleInstruction next(GuacamoleLink link) throws GuacamoleException {
        GuacamoleInstruction instruction = link.read();
        if (instruction == null) {
            throw new IllegalStateException("the connection closed");
        }
        if (instruction.getOpcode().equals("error")) {
            throw new IllegalStateException("guacd or the gateway answered " + instruction);
        }
        return instruction;
    }

    /** Microseconds from guacd's stamp (ms on its monotonic clock, or on the wall clock in other builds) to now. */
    private static long sinceStamp(long stampMillis) {
        long monotonic = System.nanoTime() / 1000 - stampMillis * 1000;
        if (Math.abs(monotonic) < CLOCK_TOLERANCE_MICROS) {
            return monotonic;
        }
        Instant now = Instant.now();
        long wall = now.getEpochSecond() * 1_000_000 + now.getNano() / 1000 - stampMillis * 1000;
        if (Math.abs(wall) < CLOCK_TOLERANCE_MICROS) {
            return wall;
        }
        throw new IllegalStateException("guacd's sync stamp " + stampMillis + " matches neither this machine's "
                + "monotonic clock nor its wall clock");
    }

    private static long micros(long startNanos) {
        return (System.nanoTime() - startNanos) / 1000;
    }
}
