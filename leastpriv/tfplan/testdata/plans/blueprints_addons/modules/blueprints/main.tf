# The blueprints-addons module's shape for one add-on: its settings in an object variable read
# with lookup(var.x, "role_policies", {}), and (the bug) the same policies attached to the node
# role when var.node_role_name is set.
variable "cluster_name" {
  type = string
}
variable "node_role_name" {
  type    = string
  default = null
}
variable "carts" {
  type    = any
  default = {}
}

resource "aws_iam_role" "carts" {
  name = "${var.cluster_name}-carts-addon"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "pods.eks.amazonaws.com" }
      Action    = ["sts:AssumeRole", "sts:TagSession"]
      Condition = { StringEquals = {
        "aws:RequestTag/kubernetes-namespace"       = "carts"
        "aws:RequestTag/kubernetes-service-account" = "carts"
      } }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "carts" {
  for_each   = lookup(var.carts, "role_policies", {})
  role       = aws_iam_role.carts.name
  policy_arn = each.value
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each   = var.node_role_name == null ? {} : lookup(var.carts, "role_policies", {})
  role       = var.node_role_name
  policy_arn = each.value
}
