package dev.cairn.operator.reconcile.fake;

import dev.cairn.operator.reconcile.BackupClock;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/** The wall clock plus an offset the tests move forward, so the next cron tick comes without waiting for it. */
@ApplicationScoped
public class TestBackupClock implements BackupClock {

    private volatile Duration offset = Duration.ZERO;

    public synchronized void advance(Duration by) {
        offset = offset.plus(by);
    }

    @Override
    public Instant now() {
        return Instant.now().plus(offset);
    }
}
