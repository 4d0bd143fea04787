package dev.cairn.kvnode.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.netty.shaded.io.netty.channel.DefaultEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CurrentEventLoopTest {

    @Test
    void onAnEventLoopItIsThatLoopAndOffAnyItIsEmpty() throws Exception {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(2);
        try {
            EventLoop loop = group.next();
            Optional<Executor> seenOnLoop = loop.submit(CurrentEventLoop::ofThisThread).get(10, TimeUnit.SECONDS);

            assertThat(seenOnLoop).containsSame(loop);
            assertThat(CurrentEventLoop.ofThisThread()).isEmpty();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
