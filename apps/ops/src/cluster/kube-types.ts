/**
 * Types of the Kubernetes client. The client is an ES module and this app is CommonJS, so its
 * types come through an import type and its code through a dynamic import (see connect.ts).
 */
type K8s = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' }});
export type KubeConfig = InstanceType<K8s['KubeConfig']>;
export type V1Deployment = InstanceType<K8s['V1Deployment']>;
export type V1Pod = InstanceType<K8s['V1Pod']>;
export type V2HorizontalPodAutoscaler = InstanceType<K8s['V2HorizontalPodAutoscaler']>;
export type V2MetricSpec = InstanceType<K8s['V2MetricSpec']>;
export type V2MetricStatus = InstanceType<K8s['V2MetricStatus']>;
export type V2MetricTarget = InstanceType<K8s['V2MetricTarget']>;
export type V2MetricValueStatus = InstanceType<K8s['V2MetricValueStatus']>;
