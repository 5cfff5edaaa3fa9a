variable "table_name" {
  description = "Name of the DynamoDB table. Must match what dynamo-explorer opens (its default is \"requests\", see src/request/schema.rs)."
  type        = string
  default     = "requests"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{3,255}$", var.table_name))
    error_message = "DynamoDB table names are 3 to 255 characters of a-z, A-Z, 0-9, '_', '-' and '.'."
  }
}

variable "region" {
  description = "AWS region to create the table in. Also used (but not checked) when dynamodb_endpoint points at a local engine."
  type        = string
  default     = "us-east-1"
}

variable "dynamodb_endpoint" {
  description = "Custom DynamoDB endpoint, e.g. http://127.0.0.1:8000 for `dynamo-explorer serve --port 8000`. null (the default) means real AWS. When set, the provider uses dummy credentials and skips every AWS account/credential check."
  type        = string
  default     = null
}

variable "billing_mode" {
  description = "PAY_PER_REQUEST (on-demand) or PROVISIONED (uses read_capacity/write_capacity plus target-tracking autoscaling)."
  type        = string
  default     = "PAY_PER_REQUEST"

  validation {
    condition     = contains(["PAY_PER_REQUEST", "PROVISIONED"], var.billing_mode)
    error_message = "billing_mode must be PAY_PER_REQUEST or PROVISIONED."
  }
}

variable "read_capacity" {
  description = "Initial read capacity units when billing_mode = PROVISIONED (autoscaling adjusts it afterwards). Ignored for PAY_PER_REQUEST."
  type        = number
  default     = 5

  validation {
    condition     = var.read_capacity >= 1
    error_message = "read_capacity must be at least 1."
  }
}

variable "write_capacity" {
  description = "Initial write capacity units when billing_mode = PROVISIONED (autoscaling adjusts it afterwards). Ignored for PAY_PER_REQUEST."
  type        = number
  default     = 5

  validation {
    condition     = var.write_capacity >= 1
    error_message = "write_capacity must be at least 1."
  }
}

variable "autoscaling_read_min_capacity" {
  description = "Lower bound for read capacity autoscaling (PROVISIONED only)."
  type        = number
  default     = 5
}

variable "autoscaling_read_max_capacity" {
  description = "Upper bound for read capacity autoscaling (PROVISIONED only)."
  type        = number
  default     = 100
}

variable "autoscaling_write_min_capacity" {
  description = "Lower bound for write capacity autoscaling (PROVISIONED only)."
  type        = number
  default     = 5
}

variable "autoscaling_write_max_capacity" {
  description = "Upper bound for write capacity autoscaling (PROVISIONED only)."
  type        = number
  default     = 100
}

variable "autoscaling_target_utilization" {
  description = "Target consumed/provisioned capacity percentage for the read and write target-tracking policies (PROVISIONED only)."
  type        = number
  default     = 70

  validation {
    condition     = var.autoscaling_target_utilization >= 20 && var.autoscaling_target_utilization <= 90
    error_message = "DynamoDB target tracking accepts a target utilization between 20 and 90 percent."
  }
}

variable "point_in_time_recovery" {
  description = "Enable point-in-time recovery (continuous backups). Set to false for local engines, which do not implement it."
  type        = bool
  default     = true
}

variable "deletion_protection" {
  description = "Enable DynamoDB deletion protection. Off by default so `terraform destroy` of a scratch/demo table just works; turn it on for a table holding data you care about."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Extra tags for every taggable resource. Name and app are always set by the module."
  type        = map(string)
  default     = {}
}
