package dev.cairn.kvnode.testing.linearizability;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScratchDebugTest {
    @Test
    void run() {
        for (double rate : new double[] {0, 0.003, 0.01, 0.03}) {
            for (int seed = 1; seed <= 3; seed++) {
                Random random = new Random(seed);
                List<Operation<EtcdKvModel.Request, EtcdKvModel.Reply>> history = HistoryGenerator.generate(random,
                        new HistoryGenerator.Shape(8, 5000, 20, 5, rate), new ReferenceEtcdStore(3));
                var m = StaleReadMutation.apply(history, random, new GeneratedEtcdHistoriesTest.EtcdReading()).get();
                long start = System.nanoTime();
                CheckResult<?, ?> r = LinearizabilityChecker.check(new EtcdKvModel(), m.history(), Duration.ofSeconds(60));
                System.out.printf("etcd rate %s: %s %.1f ms%n", rate, r.verdict(), (System.nanoTime() - start) / 1e6);
                List<Operation<RegisterModel.Command, RegisterModel.Response>> rh = HistoryGenerator.generate(random,
                        new HistoryGenerator.Shape(8, 5000, 20, 5, rate), new ReferenceRegisterStore(1));
                var rm = StaleReadMutation.apply(rh, random, new GeneratedRegisterHistoriesTest.RegisterReading()).get();
                start = System.nanoTime();
                r = LinearizabilityChecker.check(new RegisterModel(), rm.history(), Duration.ofSeconds(60));
                System.out.printf("register rate %s: %s %.1f ms%n", rate, r.verdict(), (System.nanoTime() - start) / 1e6);
                start = System.nanoTime();
                r = LinearizabilityChecker.check(new RegisterModel(), rh, Duration.ofSeconds(60));
                System.out.printf("register ok rate %s: %s %.1f ms%n", rate, r.verdict(), (System.nanoTime() - start) / 1e6);
            }
        }
    }
}
