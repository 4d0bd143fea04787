package dev.cairn.kvnode.testing.linearizability;

import dev.cairn.kvnode.testing.linearizability.RegisterModel.Command;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Delete;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Put;
import dev.cairn.kvnode.testing.linearizability.RegisterModel.Response;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * A plain map of registers, the truth generated register histories are recorded against. Every put writes a value
 * never written before, so a read's answer names the one write it saw.
 */
final class ReferenceRegisterStore implements HistoryGenerator.SequentialStore<Command, Response> {
    private final int keys;
    private final Map<String, String> values = new HashMap<>();
    private int written;

    ReferenceRegisterStore(int keys) {
        this.keys = keys;
    }

    @Override
    public Command nextInput(Random random) {
        String key = "k" + random.nextInt(keys);
        int roll = random.nextInt(100);
        if (roll < 50) {
            return RegisterModel.get(key);
        }
        if (roll < 88) {
            return RegisterModel.put(key, "v" + written++);
        }
        return RegisterModel.delete(key);
    }

    @Override
    public Response apply(Command command) {
        if (command instanceof Put put) {
            values.put(put.key(), put.value());
            return RegisterModel.written();
        }
        if (command instanceof Delete delete) {
            values.remove(delete.key());
            return RegisterModel.written();
        }
        String value = values.get(command.key());
        return value == null ? RegisterModel.absent() : RegisterModel.read(value);
    }
}
