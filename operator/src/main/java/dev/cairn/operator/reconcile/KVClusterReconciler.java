package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterSpecValidator;
import dev.cairn.operator.api.KVClusterStatus;
import dev.cairn.operator.resources.ClusterAddresses;
import dev.cairn.operator.resources.DesiredClientService;
import dev.cairn.operator.resources.DesiredDisruptionBudget;
import dev.cairn.operator.resources.DesiredPeerService;
import dev.cairn.operator.resources.DesiredStatefulSet;
import dev.cairn.operator.resources.KvnodeLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Level-triggered reconciler of a KVCluster: validate the spec, apply the desired objects, write the status.
 *
 * <p>The objects are written with plain client calls rather than a JOSDK workflow of dependent resources. The rule
 * that matters most here is "an invalid spec changes nothing": with plain calls it is one {@code if} in front of
 * every write, and nothing can delete an object (no dependent cleanup, no reconcile precondition to get wrong).
 * Coming steps (rolling members, scaling one member at a time) must decide themselves when the StatefulSet may
 * change, which a declarative workflow would hide. Objects are deleted only by the garbage collector, through
 * their owner reference, when the KVCluster is deleted.
 *
 * <p>Informers on the owned StatefulSets, Services and PodDisruptionBudgets map each event back to the owning
 * cluster, so a deleted or edited object is put back, and StatefulSet readiness flows into the status.
 */
@ControllerConfiguration(name = KVClusterReconciler.NAME)
public class KVClusterReconciler implements Reconciler<KVCluster> {

    /** Also the key of per-controller settings: quarkus.operator-sdk.controllers.kvcluster.* */
    public static final String NAME = "kvcluster";

    private static final Logger LOG = Logger.getLogger(KVClusterReconciler.class);

    private final ClusterStatusCalculator statusCalculator = new ClusterStatusCalculator(Clock.systemUTC());

    @Override
    public List<EventSource<?, KVCluster>> prepareEventSources(EventSourceContext<KVCluster> context) {
        return List.of(ownedInformer(StatefulSet.class, context), ownedInformer(Service.class, context),
                ownedInformer(PodDisruptionBudget.class, context));
    }

    @Override
    public UpdateControl<KVCluster> reconcile(KVCluster cluster, Context<KVCluster> context) {
        String name = cluster.getMetadata().getName();
        // One switch for every write: quarkus.operator-sdk.enable-ssa (off only in the test profile).
        boolean serverSideApply = context.getControllerConfiguration().getConfigurationService()
                .ssaBasedCreateUpdateMatchForDependentResources();
        List<String> violations = KVClusterSpecValidator.violations(cluster.getSpec());
        if (violations.isEmpty()) {
            applyDesiredState(cluster, context, new DesiredStateWriter(context.getClient(), serverSideApply));
        } else {
            LOG.warnf("KVCluster %s/%s has an invalid spec, leaving its objects untouched: %s",
                    cluster.getMetadata().getNamespace(), name, String.join("; ", violations));
        }
        KVClusterStatus status = statusCalculator.next(cluster, violations, observed(context, StatefulSet.class, name));
        if (!status.equals(cluster.getStatus())) {
            StatusWriter.write(cluster, status, context, serverSideApply);
        }
        return UpdateControl.noUpdate();
    }

    private static void applyDesiredState(KVCluster cluster, Context<KVCluster> context, DesiredStateWriter writer) {
        ClusterAddresses addresses = ClusterAddresses.of(cluster);
        String name = cluster.getMetadata().getName();
        // Services first: members resolve each other through the peer Service as soon as they start.
        writer.write(DesiredPeerService.of(cluster), observed(context, Service.class, addresses.peerServiceName()));
        writer.write(DesiredClientService.of(cluster), observed(context, Service.class, addresses.clientServiceName()));
        writer.write(DesiredStatefulSet.of(cluster), observed(context, StatefulSet.class, name));
        writer.write(DesiredDisruptionBudget.of(cluster), observed(context, PodDisruptionBudget.class, name));
    }

    private static <T extends HasMetadata> Optional<T> observed(Context<KVCluster> context, Class<T> type,
                                                                String name) {
        return context.getSecondaryResourcesAsStream(type)
                .filter(resource -> name.equals(resource.getMetadata().getName()))
                .findFirst();
    }

    private static <T extends HasMetadata> InformerEventSource<T, KVCluster> ownedInformer(
            Class<T> type, EventSourceContext<KVCluster> context) {
        // Default mapping is by owner reference; the label selector keeps unrelated objects out of the cache.
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, KVCluster.class)
                .withLabelSelector(KvnodeLabels.MANAGED_SELECTOR)
                .build(), context);
    }
}
