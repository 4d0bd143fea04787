package dev.cairn.operator.reconcile;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** The wall clock. A default bean: tests move time forward instead of waiting for the next cron tick. */
@ApplicationScoped
@DefaultBean
public class SystemBackupClock implements BackupClock {

    @Override
    public Instant now() {
        return Instant.now();
    }
}
