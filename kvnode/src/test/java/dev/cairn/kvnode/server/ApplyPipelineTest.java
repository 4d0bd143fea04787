package dev.cairn.kvnode.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ApplyPipelineTest {

    @Test
    void workRunsInSubmissionOrderAndAwaitIdleWaitsForAllOfIt() throws Exception {
        ApplyPipeline pipeline = new ApplyPipeline(4, error -> {
        });
        pipeline.start();
        List<Integer> ran = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 100; i++) {
            int n = i;
            pipeline.submit(() -> ran.add(n));
        }

        pipeline.awaitIdle();

        assertThat(ran).hasSize(100).isSorted();
        pipeline.finish();
    }

    @Test
    void aFullBacklogMakesTheSubmitterWait() throws Exception {
        ApplyPipeline pipeline = new ApplyPipeline(2, error -> {
        });
        pipeline.start();
        CountDownLatch release = new CountDownLatch(1);
        pipeline.submit(() -> await(release));
        pipeline.submit(() -> {
        });
        pipeline.submit(() -> {
        });
        CompletableFuture<Void> fourth = CompletableFuture.runAsync(() -> {
            try {
                pipeline.submit(() -> {
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        assertThatThrownBy(() -> fourth.get(200, TimeUnit.MILLISECONDS))
                .as("one piece running and two queued fill a backlog of 2").isInstanceOf(
                        java.util.concurrent.TimeoutException.class);
        release.countDown();
        fourth.get(10, TimeUnit.SECONDS);
        pipeline.finish();
    }

    @Test
    void aFailureIsReportedAndRefusesFurtherWork() throws Exception {
        AtomicReference<Throwable> reported = new AtomicReference<>();
        ApplyPipeline pipeline = new ApplyPipeline(4, reported::set);
        pipeline.start();
        IllegalStateException boom = new IllegalStateException("disk gone");
        CountDownLatch go = new CountDownLatch(1);
        pipeline.submit(() -> {
            await(go);
            throw boom;
        });
        go.countDown();

        assertThatThrownBy(pipeline::awaitIdle).isInstanceOf(IllegalStateException.class).hasCause(boom);
        assertThat(reported.get()).isSameAs(boom);
        assertThatThrownBy(() -> pipeline.submit(() -> {
        })).hasCause(boom);
    }

    @Test
    void finishRunsWhatIsQueuedAndAbortDropsIt() throws Exception {
        ApplyPipeline finished = new ApplyPipeline(8, error -> {
        });
        finished.start();
        List<Integer> ran = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        finished.submit(() -> await(release));
        finished.submit(() -> ran.add(1));
        release.countDown();
        finished.finish();
        assertThat(ran).containsExactly(1);

        ApplyPipeline aborted = new ApplyPipeline(8, error -> {
        });
        aborted.start();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch hold = new CountDownLatch(1);
        List<Integer> dropped = new CopyOnWriteArrayList<>();
        aborted.submit(() -> {
            started.countDown();
            await(hold);
        });
        aborted.submit(() -> dropped.add(1));
        started.await(10, TimeUnit.SECONDS);
        CompletableFuture<Void> abort = CompletableFuture.runAsync(() -> {
            try {
                aborted.abort();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(aborted::aborting);
        hold.countDown();
        abort.get(10, TimeUnit.SECONDS);
        assertThat(dropped).as("queued work is dropped on abort").isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
