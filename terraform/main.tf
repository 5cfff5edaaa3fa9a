locals {
  # A custom endpoint means a local engine (dynamo-explorer serve, DynamoDB Local, ...), not AWS.
  local_engine = var.dynamodb_endpoint != null
  provisioned  = var.billing_mode == "PROVISIONED"

  # Name/app are applied last so they always identify the table, whatever var.tags holds.
  tags = merge(var.tags, {
    Name = var.table_name
    app  = "dynamo-explorer"
  })
}

provider "aws" {
  region = var.region

  # Against AWS every one of these is null, i.e. unset: the normal credential chain,
  # STS account lookup and IMDS checks apply exactly as if they were not written.
  access_key                  = local.local_engine ? "dummy" : null
  secret_key                  = local.local_engine ? "dummy" : null
  skip_credentials_validation = local.local_engine ? true : null
  skip_requesting_account_id  = local.local_engine ? true : null
  skip_metadata_api_check     = local.local_engine ? true : null

  endpoints {
    dynamodb = var.dynamodb_endpoint
  }
}

# The request table. Key schema and TTL must match src/request/schema.rs; tests/it/terraform_drift.rs
# fails the build if they drift apart.
resource "aws_dynamodb_table" "requests" {
  name         = var.table_name
  billing_mode = var.billing_mode

  # Capacity is only valid for PROVISIONED; null leaves it unset for on-demand.
  read_capacity  = local.provisioned ? var.read_capacity : null
  write_capacity = local.provisioned ? var.write_capacity : null

  hash_key  = "request_id"
  range_key = "seq"

  # Only key attributes may be declared: DynamoDB rejects attribute definitions that no key
  # or index uses. Every other record field is schemaless.
  attribute {
    name = "request_id"
    type = "S"
  }

  attribute {
    name = "seq"
    type = "N"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  deletion_protection_enabled = var.deletion_protection

  tags = local.tags

  lifecycle {
    # With PROVISIONED, autoscaling owns the live capacity: without this every plan would
    # try to reset it to read_capacity/write_capacity. (No effect for PAY_PER_REQUEST.)
    ignore_changes = [read_capacity, write_capacity]
  }
}

# Target-tracking autoscaling, only for PROVISIONED tables.

resource "aws_appautoscaling_target" "read" {
  count = local.provisioned ? 1 : 0

  service_namespace  = "dynamodb"
  resource_id        = "table/${aws_dynamodb_table.requests.name}"
  scalable_dimension = "dynamodb:table:ReadCapacityUnits"
  min_capacity       = var.autoscaling_read_min_capacity
  max_capacity       = var.autoscaling_read_max_capacity

  lifecycle {
    precondition {
      condition     = !local.local_engine
      error_message = "Application Auto Scaling is an AWS service that local engines do not implement: use billing_mode = \"PAY_PER_REQUEST\" with dynamodb_endpoint."
    }
    precondition {
      condition     = var.autoscaling_read_min_capacity <= var.autoscaling_read_max_capacity
      error_message = "autoscaling_read_min_capacity must not exceed autoscaling_read_max_capacity."
    }
  }
}

resource "aws_appautoscaling_policy" "read" {
  count = local.provisioned ? 1 : 0

  name               = "DynamoDBReadCapacityUtilization:${aws_appautoscaling_target.read[0].resource_id}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.read[0].service_namespace
  resource_id        = aws_appautoscaling_target.read[0].resource_id
  scalable_dimension = aws_appautoscaling_target.read[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    predefined_metric_specification {
      predefined_metric_type = "DynamoDBReadCapacityUtilization"
    }
    target_value = var.autoscaling_target_utilization
  }
}

resource "aws_appautoscaling_target" "write" {
  count = local.provisioned ? 1 : 0

  service_namespace  = "dynamodb"
  resource_id        = "table/${aws_dynamodb_table.requests.name}"
  scalable_dimension = "dynamodb:table:WriteCapacityUnits"
  min_capacity       = var.autoscaling_write_min_capacity
  max_capacity       = var.autoscaling_write_max_capacity

  lifecycle {
    precondition {
      condition     = !local.local_engine
      error_message = "Application Auto Scaling is an AWS service that local engines do not implement: use billing_mode = \"PAY_PER_REQUEST\" with dynamodb_endpoint."
    }
    precondition {
      condition     = var.autoscaling_write_min_capacity <= var.autoscaling_write_max_capacity
      error_message = "autoscaling_write_min_capacity must not exceed autoscaling_write_max_capacity."
    }
  }
}

resource "aws_appautoscaling_policy" "write" {
  count = local.provisioned ? 1 : 0

  name               = "DynamoDBWriteCapacityUtilization:${aws_appautoscaling_target.write[0].resource_id}"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.write[0].service_namespace
  resource_id        = aws_appautoscaling_target.write[0].resource_id
  scalable_dimension = aws_appautoscaling_target.write[0].scalable_dimension

  target_tracking_scaling_policy_configuration {
    predefined_metric_specification {
      predefined_metric_type = "DynamoDBWriteCapacityUtilization"
    }
    target_value = var.autoscaling_target_utilization
  }
}
