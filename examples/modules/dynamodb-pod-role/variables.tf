variable "cluster_arn" {
  description = "The ARN of the EKS cluster the workload runs in."
  type        = string
}

variable "namespace" {
  description = "The workload's Kubernetes namespace."
  type        = string
}

variable "service_account" {
  description = "The workload's Kubernetes service account."
  type        = string
}

variable "tables" {
  description = "The DynamoDB tables the workload uses, as in podidentity_least_privilege's dynamodb_tables."
  type = list(object({
    arn     = string
    access  = optional(string)
    actions = optional(list(string))
    indexes = optional(bool)
    streams = optional(bool)
  }))
}

variable "trust_policy" {
  description = "A trust policy of your own instead of the generated one (scoped to the cluster, namespace and service account). It is reviewed like the generated one."
  type        = string
  default     = null
}
