package dev.cairn.operator.reconcile;

import dev.cairn.operator.api.KVCluster;
import dev.cairn.operator.api.KVClusterAnnotations;
import dev.cairn.operator.api.KVClusterSpecValidator;
import dev.cairn.operator.api.KVClusterStatus;
import dev.cairn.operator.members.ClusterMembers;
import dev.cairn.operator.members.ClusterMembersFactory;
import dev.cairn.operator.plan.Observed;
import dev.cairn.operator.plan.Planner;
import dev.cairn.operator.plan.Step;
import dev.cairn.operator.resources.ClusterAddresses;
import dev.cairn.operator.resources.DesiredStatefulSet;
import dev.cairn.operator.resources.InitialClusterState;
import dev.cairn.operator.resources.KvnodeLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Level-triggered reconciler of a KVCluster: observe (Kubernetes and the cluster's members), plan one step, keep the
 * spec-following objects in line, act, write the status, and look again soon while the cluster is not done.
 *
 * <p>The objects are written with plain client calls rather than a JOSDK workflow of dependent resources: "an
 * invalid spec changes nothing" and "a paused cluster changes nothing" are one {@code if} in front of every write,
 * nothing can delete an object by accident, and the planner alone decides when the StatefulSet's replicas change.
 * Objects are deleted only by the garbage collector, through their owner reference, when the KVCluster is deleted;
 * retained volumes stay, as a StatefulSet's claims always do.
 *
 * <p>Informers on the owned StatefulSets, Services and PodDisruptionBudgets, and on the pods and claims (mapped back
 * by their instance label, since the StatefulSet owns them), trigger reconciles. Nothing in Kubernetes changes when a
 * learner catches up or a member falls ill, so the reconciler also schedules itself: soon while a step is in flight,
 * at the resync interval once done.
 */
@ControllerConfiguration(name = KVClusterReconciler.NAME)
public class KVClusterReconciler implements Reconciler<KVCluster> {

    /** Also the key of per-controller settings: quarkus.operator-sdk.controllers.kvcluster.* */
    public static final String NAME = "kvcluster";

    private static final Logger LOG = Logger.getLogger(KVClusterReconciler.class);

    private final ClusterMembersFactory membersFactory;
    private final Failpoints failpoints;
    private final ReconcileSettings settings;
    private final Planner planner;
    private final ClusterStatusCalculator statusCalculator;

    public KVClusterReconciler(ClusterMembersFactory membersFactory, Failpoints failpoints,
                               ReconcileSettings settings) {
        this.membersFactory = membersFactory;
        this.failpoints = failpoints;
        this.settings = settings;
        this.planner = new Planner(settings.catchUpBound());
        this.statusCalculator = new ClusterStatusCalculator(Clock.systemUTC(), settings.stallAfter());
    }

    @Override
    public List<EventSource<?, KVCluster>> prepareEventSources(EventSourceContext<KVCluster> context) {
        return List.of(ownedInformer(StatefulSet.class, context), ownedInformer(Service.class, context),
                ownedInformer(PodDisruptionBudget.class, context), labelledInformer(Pod.class, context),
                labelledInformer(PersistentVolumeClaim.class, context));
    }

    @Override
    public UpdateControl<KVCluster> reconcile(KVCluster cluster, Context<KVCluster> context) {
        // One switch for every write: quarkus.operator-sdk.enable-ssa (off only in the test profile).
        boolean serverSideApply = context.getControllerConfiguration().getConfigurationService()
                .ssaBasedCreateUpdateMatchForDependentResources();
        List<String> violations = KVClusterSpecValidator.violations(cluster.getSpec());
        if (!violations.isEmpty()) {
            LOG.warnf("KVCluster %s/%s has an invalid spec, leaving its objects untouched: %s",
                    cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(),
                    String.join("; ", violations));
            writeStatus(cluster, statusCalculator.invalid(cluster, violations), context, serverSideApply);
            return UpdateControl.<KVCluster>noUpdate().rescheduleAfter(settings.resyncInterval());
        }
        if (KVClusterAnnotations.paused(cluster)) {
            writeStatus(cluster, statusCalculator.paused(cluster), context, serverSideApply);
            return UpdateControl.<KVCluster>noUpdate().rescheduleAfter(settings.resyncInterval());
        }
        DesiredStateWriter writer = new DesiredStateWriter(context.getClient(), serverSideApply);
        Step step = reconcileOneStep(cluster, context, writer, serverSideApply);
        return UpdateControl.<KVCluster>noUpdate().rescheduleAfter(
                step instanceof Step.Done ? settings.resyncInterval() : settings.requeueDelay());
    }

    private Step reconcileOneStep(KVCluster cluster, Context<KVCluster> context, DesiredStateWriter writer,
                                  boolean serverSideApply) {
        KubernetesState state = new KubernetesStateReader(context.getClient()).read(cluster);
        // The pods that exist are where the cluster answers; before the bootstrap there is nobody to ask.
        ClusterAddresses addresses = ClusterAddresses.of(cluster, Math.max(state.replicas(), 1));
        // A client per reconcile: reconciles are seconds apart, and a cached one would outlive a deleted cluster.
        try (ClusterMembers members = membersFactory.connect(addresses.clientURLs())) {
            Membership membership = state.statefulSet().isPresent()
                    ? MembershipReader.read(members, addresses) : Membership.notBootstrapped();
            boolean bootstrapped = state.templateState() == InitialClusterState.EXISTING;
            state = new VolumeOwnershipRecorder(context.getClient()).record(state, membership, bootstrapped);
            InitialClusterState templateState = BootstrapProgress.templateState(state, membership);
            String revision = DesiredStatefulSet.revision(cluster);
            Observed facts = FactsMapper.map(cluster, state, membership, revision,
                    KVClusterAnnotations.leaderUpgradeApproved(cluster, revision), bootstrapped);
            Step step = planner.next(facts);
            // The restore source is read only for a new cluster's template; once bootstrapped, it no longer matters.
            RestoreSource restore = bootstrapped ? RestoreSource.NONE
                    : RestoreSource.resolve(context.getClient(), cluster);
            if (restore.waiting() && step instanceof Step.Bootstrap) {
                step = new Step.Wait(restore.waitingFor());
            }
            LOG.debugf("KVCluster %s/%s: %s", cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(),
                    step);
            new DesiredObjects(writer).write(cluster, context, state, templateState, facts, step, restore);
            new StepExecutor(context.getClient(), writer, new EventRecorder(context.getClient(), Clock.systemUTC()),
                    failpoints).execute(step, cluster, state, templateState, members, facts, restore.location());
            writeStatus(cluster, statusCalculator.observed(cluster, state, membership, facts, step), context,
                    serverSideApply);
            return step;
        }
    }

    private static void writeStatus(KVCluster cluster, KVClusterStatus status, Context<KVCluster> context,
                                    boolean serverSideApply) {
        if (!status.equals(cluster.getStatus())) {
            StatusWriter.write(cluster, status, context, serverSideApply);
        }
    }

    private static <T extends HasMetadata> InformerEventSource<T, KVCluster> ownedInformer(
            Class<T> type, EventSourceContext<KVCluster> context) {
        // Default mapping is by owner reference; the label selector keeps unrelated objects out of the cache.
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, KVCluster.class)
                .withLabelSelector(KvnodeLabels.MANAGED_SELECTOR)
                .build(), context);
    }

    /** Pods and claims are owned by the StatefulSet, not the KVCluster: their instance label names the cluster. */
    private static <T extends HasMetadata> InformerEventSource<T, KVCluster> labelledInformer(
            Class<T> type, EventSourceContext<KVCluster> context) {
        return new InformerEventSource<>(InformerEventSourceConfiguration.from(type, KVCluster.class)
                .withLabelSelector(KvnodeLabels.MANAGED_SELECTOR)
                .withSecondaryToPrimaryMapper(resource -> Set.of(new ResourceID(
                        resource.getMetadata().getLabels().get(KvnodeLabels.INSTANCE),
                        resource.getMetadata().getNamespace())))
                .build(), context);
    }
}
