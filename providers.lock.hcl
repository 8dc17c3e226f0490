# The provider lock file of every stack (stacks/provider-lock.ts; docs/synth.md, "Provider lock file").
# Written by scripts/providers-lock.ts; regenerate it, never edit it.

provider "registry.opentofu.org/hashicorp/helm" {
  version     = "3.1.1"
  constraints = "3.1.1"
  hashes = [
    "h1:G8MQx5AT2kYljf5AHXAfcKtzYW0GYEeKkRKwJ1z2GpQ=",
  ]
}

provider "registry.opentofu.org/hashicorp/kubernetes" {
  version     = "2.38.0"
  constraints = "2.38.0"
  hashes = [
    "h1:YSkH0VvRxMvxxnUeCHCVytsxUOM2PMgM0GNps4Us5pE=",
  ]
}

provider "registry.opentofu.org/hashicorp/random" {
  version     = "3.7.2"
  constraints = "3.7.2"
  hashes = [
    "h1:KNJ1xKcoZNyy8s1l5+gKAqNgur88i9e5J2osgZS+Iu8=",
  ]
}

provider "registry.terraform.io/hashicorp/helm" {
  version     = "3.1.1"
  constraints = "3.1.1"
  hashes = [
    "h1:G8MQx5AT2kYljf5AHXAfcKtzYW0GYEeKkRKwJ1z2GpQ=",
  ]
}

provider "registry.terraform.io/hashicorp/kubernetes" {
  version     = "2.38.0"
  constraints = "2.38.0"
  hashes = [
    "h1:YSkH0VvRxMvxxnUeCHCVytsxUOM2PMgM0GNps4Us5pE=",
  ]
}

provider "registry.terraform.io/hashicorp/random" {
  version     = "3.7.2"
  constraints = "3.7.2"
  hashes = [
    "h1:KNJ1xKcoZNyy8s1l5+gKAqNgur88i9e5J2osgZS+Iu8=",
  ]
}
