// Retention Insights — Azure side: the scoring service as an Azure Functions app on the .NET isolated worker (Linux), with a user-assigned
// managed identity for everything (storage, Key Vault, Application Insights), storage with shared-key access off, the API
// key in Key Vault, and Application Insights on a Log Analytics workspace with local auth off.
targetScope = 'resourceGroup'

@description('Azure region for every resource.')
param location string = resourceGroup().location

@description('Short prefix for resource names (lower-case letters and digits).')
@minLength(3)
@maxLength(11)
param namePrefix string = 'rtn'

@description('Environment name used in resource names, e.g. dev, test, prod.')
@allowed([
  'dev'
  'test'
  'prod'
])
param environmentName string = 'dev'

@description('Dataverse environment URL the service reads and writes, e.g. https://contoso.crm4.dynamics.com.')
param dataverseUrl string

@description('Hosts allowed in x-ms-dynamics-organization (comma-separated); empty allows any host with the right key.')
param allowedOrganizations string = ''

@description('API key callers send as x-functions-key or ?code= (Dataverse webhook key, Custom API). At least 32 random characters.')
@secure()
@minLength(32)
param apiKey string

@description('NCRONTAB schedule of the nightly rescore (UTC).')
param nightlySchedule string = '0 0 2 * * *'

@description('NCRONTAB schedule of the weekly training (UTC).')
param trainSchedule string = '0 0 3 * * 0'

@description('Set after the first package deployment: writes the API key as the function key of every HTTP function.')
param deployFunctionKeys bool = false

@description('Elastic Premium plan size; EP1 keeps one warm instance so webhook events are handled in milliseconds.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param planSku string = 'EP1'

var suffix = uniqueString(resourceGroup().id, namePrefix, environmentName)
var baseName = '${namePrefix}-${environmentName}'
var storageName = take(toLower('${namePrefix}${environmentName}${suffix}'), 24)
var keyVaultName = take('${namePrefix}-${environmentName}-${suffix}', 24)
var queueName = 'rtn-rescore-chunks'
// Folder names of the HTTP functions (functions/RetentionInsights.Functions/FunctionApp).
var httpFunctions = [
  'DataverseEvents'
  'CustomerList'
  'CustomerInsights'
  'OfferResponse'
  'Rescore'
  'RescoreStatus'
  'ModelsTrain'
  'ModelsList'
  'Health'
]
var tags = {
  product: 'RetentionInsights'
  environment: environmentName
}

// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4057-9df1-7d7d6e5b6c21'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${baseName}'
  location: location
  tags: tags
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 14
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 14
    }
  }
}

resource modelsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'models'
}

resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'state'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'deployment'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource rescoreQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: queueName
}

// The event ledger only has to outlive Dataverse's redeliveries; finished batch checkpoints are history after a month.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'expire-event-ledger'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'state/events/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: 14
                }
              }
            }
          }
        }
        {
          name: 'expire-batch-checkpoints'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                'state/batches/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: 30
                }
              }
            }
          }
        }
      ]
    }
  }
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [
    roles.storageBlobDataOwner
    roles.storageQueueDataContributor
    roles.storageTableDataContributor
  ]: {
    name: guid(storage.id, identity.id, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource apiKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'rtn-api-key'
  properties: {
    value: apiKey
    contentType: 'Retention Insights service key (x-functions-key / webhook ?code=)'
  }
}

resource keyVaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, roles.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${baseName}-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

resource appInsightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: 'plan-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    name: planSku
    tier: 'ElasticPremium'
  }
  properties: {
    reserved: true
    maximumElasticWorkerCount: 10
  }
}

resource functionApp 'Microsoft.Web/sites@2023-12-01' = {
  name: 'func-${baseName}-${suffix}'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      // The published dotnet-isolated worker (net10.0), deployed as a zip package (WEBSITE_RUN_FROM_PACKAGE below).
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      alwaysOn: false
      minimumElasticInstanceCount: 1
      appSettings: [
        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
        { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
        // Warm placeholder workers for dotnet-isolated apps (faster cold starts on the Premium plan).
        { name: 'WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED', value: '1' }
        // Host storage through the managed identity (no connection string, shared keys are off).
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        // Connection "RescoreQueue" of the RescoreChunk queue trigger.
        { name: 'RescoreQueue__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
        { name: 'RescoreQueue__credential', value: 'managedidentity' }
        { name: 'RescoreQueue__clientId', value: identity.properties.clientId }
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '${storage.properties.primaryEndpoints.blob}deployment/retention-insights.zip' }
        { name: 'WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID', value: identity.id }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        // The service itself (see functions/RetentionInsights.Functions/Hosting/ServiceOptionsLoader.cs).
        { name: 'RTN_API_KEY', value: '@Microsoft.KeyVault(SecretUri=${apiKeySecret.properties.secretUri})' }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'Retention__ManagedIdentityClientId', value: identity.properties.clientId }
        { name: 'Retention__DataverseUrl', value: dataverseUrl }
        { name: 'Retention__AllowedOrganizations', value: allowedOrganizations }
        { name: 'Retention__ModelContainerUri', value: '${storage.properties.primaryEndpoints.blob}${modelsContainer.name}' }
        { name: 'Retention__StateContainerUri', value: '${storage.properties.primaryEndpoints.blob}${stateContainer.name}' }
        { name: 'Retention__RescoreQueueUri', value: '${storage.properties.primaryEndpoints.queue}${rescoreQueue.name}' }
        { name: 'RTN_NIGHTLY_SCHEDULE', value: nightlySchedule }
        { name: 'RTN_TRAIN_SCHEDULE', value: trainSchedule }
        { name: 'OMP_WAIT_POLICY', value: 'PASSIVE' }
      ]
    }
  }
  dependsOn: [
    storageRoles
    keyVaultRole
    appInsightsRole
    deploymentContainer
  ]
}

// The same key as the function key of every HTTP function, so the Functions front end (authLevel: function) accepts what
// the app itself checks. Function keys can only be set once the functions exist: deploy the package, then run this
// template again with deployFunctionKeys=true (see infra/README.md).
resource functionKeys 'Microsoft.Web/sites/functions/keys@2023-12-01' = [
  for name in httpFunctions: if (deployFunctionKeys) {
    name: '${functionApp.name}/${name}/retention'
    value: apiKey
  }
]

@description('Register this URL as the Dataverse webhook service endpoint (auth type WebhookKey with the API key).')
output webhookUrl string = 'https://${functionApp.properties.defaultHostName}/api/dataverse/events'

@description('Value for the rtn_ScoringEndpointUrl environment variable.')
output scoringEndpointUrl string = 'https://${functionApp.properties.defaultHostName}'

output functionAppName string = functionApp.name
output managedIdentityClientId string = identity.properties.clientId
output managedIdentityPrincipalId string = identity.properties.principalId
output keyVaultName string = keyVault.name
output storageAccountName string = storage.name
