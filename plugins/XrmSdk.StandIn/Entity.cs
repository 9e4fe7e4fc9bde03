using System;

namespace Microsoft.Xrm.Sdk
{
    /// <summary>A Dataverse row: logical name, id and a bag of typed column values.</summary>
    public class Entity
    {
        private AttributeCollection _attributes = new AttributeCollection();

        public Entity()
        {
        }

        public Entity(string entityName)
        {
            LogicalName = entityName;
        }

        public Entity(string entityName, Guid id)
        {
            LogicalName = entityName;
            Id = id;
        }

        public string LogicalName { get; set; }

        public virtual Guid Id { get; set; }

        public AttributeCollection Attributes
        {
            get { return _attributes; }
            set { _attributes = value ?? new AttributeCollection(); }
        }

        /// <summary>Getter throws <see cref="System.Collections.Generic.KeyNotFoundException"/> for a column the row does not carry.</summary>
        public object this[string attributeName]
        {
            get { return _attributes[attributeName]; }
            set { _attributes[attributeName] = value; }
        }

        public bool Contains(string attributeName)
        {
            return _attributes.Contains(attributeName);
        }

        /// <summary>default(T) when the column is absent or null; an InvalidCastException when it holds another type.</summary>
        public virtual T GetAttributeValue<T>(string attributeLogicalName)
        {
            object value;
            if (!_attributes.TryGetValue(attributeLogicalName, out value) || value == null)
            {
                return default(T);
            }

            return (T)value;
        }

        public EntityReference ToEntityReference()
        {
            return new EntityReference(LogicalName, Id);
        }
    }

    /// <summary>A pointer to a row (lookup value): table logical name and id.</summary>
    public sealed class EntityReference
    {
        public EntityReference()
        {
        }

        public EntityReference(string logicalName, Guid id)
        {
            LogicalName = logicalName;
            Id = id;
        }

        public Guid Id { get; set; }

        public string LogicalName { get; set; }

        public string Name { get; set; }

        /// <summary>Value equality on table and id, as the official type.</summary>
        public override bool Equals(object obj)
        {
            var other = obj as EntityReference;
            return other != null
                && Id == other.Id
                && string.Equals(LogicalName, other.LogicalName, StringComparison.Ordinal);
        }

        public override int GetHashCode()
        {
            return Id.GetHashCode() ^ (LogicalName == null ? 0 : StringComparer.Ordinal.GetHashCode(LogicalName));
        }
    }

    public sealed class OptionSetValue
    {
        public OptionSetValue()
        {
        }

        public OptionSetValue(int value)
        {
            Value = value;
        }

        public int Value { get; set; }
    }

    public sealed class Money
    {
        public Money()
        {
        }

        public Money(decimal value)
        {
            Value = value;
        }

        public decimal Value { get; set; }
    }

    /// <summary>Result of RetrieveMultiple; only part of IOrganizationService's signature here.</summary>
    public sealed class EntityCollection
    {
        private DataCollection<Entity> _entities = new DataCollection<Entity>();

        public DataCollection<Entity> Entities
        {
            get { return _entities; }
            set { _entities = value ?? new DataCollection<Entity>(); }
        }
    }

    /// <summary>Part of IOrganizationService's Associate/Disassociate signature.</summary>
    public sealed class Relationship
    {
        public Relationship()
        {
        }

        public Relationship(string schemaName)
        {
            SchemaName = schemaName;
        }

        public string SchemaName { get; set; }
    }
}
