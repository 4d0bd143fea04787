package dev.cairn.operator.reconcile.fake;

import dev.cairn.operator.reconcile.BackupClock;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/**
 * The wall clock, unless a test stops it: a stopped clock stays where the test put it, so a cron tick comes exactly
 * when the test moves the clock there and never because the real minute turned while the test ran.
 */
@ApplicationScoped
public class TestBackupClock implements BackupClock {

    private volatile Instant stoppedAt;

    /** Stops the clock at the real time now; {@link #setTo} moves it from there. */
    public void stop() {
        stoppedAt = Instant.now();
    }

    public void setTo(Instant instant) {
        if (stoppedAt == null) {
            throw new IllegalStateException("the clock runs; stop it first");
        }
        stoppedAt = instant;
    }

    /** Back to the wall clock (other tests rely on time passing for their retry back-off). */
    public void resume() {
        stoppedAt = null;
    }

    @Override
    public Instant now() {
        Instant stopped = stoppedAt;
        return stopped != null ? stopped : Instant.now();
    }
}
