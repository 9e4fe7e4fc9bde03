using System;
using System.Collections.Generic;

namespace Microsoft.Xrm.Sdk
{
    public enum EntityState
    {
        Unchanged = 0,
        Created = 1,
        Changed = 2,
    }

    public enum EntityRole
    {
        Referencing = 0,
        Referenced = 1,
    }

    /// <summary>A Dataverse row: logical name, id and a bag of typed column values.</summary>
    public class Entity
    {
        private AttributeCollection _attributes = new AttributeCollection();
        private FormattedValueCollection _formattedValues = new FormattedValueCollection();
        private KeyAttributeCollection _keyAttributes = new KeyAttributeCollection();

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

        public Entity(string entityName, string keyName, object keyValue)
        {
            LogicalName = entityName;
            _keyAttributes[keyName] = keyValue;
        }

        public Entity(string entityName, KeyAttributeCollection keyAttributes)
        {
            LogicalName = entityName;
            _keyAttributes = keyAttributes ?? new KeyAttributeCollection();
        }

        public string LogicalName { get; set; }

        public virtual Guid Id { get; set; }

        public string RowVersion { get; set; }

        public EntityState? EntityState { get; set; }

        public AttributeCollection Attributes
        {
            get { return _attributes; }
            set { _attributes = value ?? new AttributeCollection(); }
        }

        public FormattedValueCollection FormattedValues
        {
            get { return _formattedValues; }
            set { _formattedValues = value ?? new FormattedValueCollection(); }
        }

        public KeyAttributeCollection KeyAttributes
        {
            get { return _keyAttributes; }
            set { _keyAttributes = value ?? new KeyAttributeCollection(); }
        }

        /// <summary>Getter throws <see cref="KeyNotFoundException"/> for a column the row does not carry.</summary>
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

        public bool TryGetAttributeValue<T>(string attributeKey, out T result)
        {
            object value;
            if (_attributes.TryGetValue(attributeKey, out value) && value is T typed)
            {
                result = typed;
                return true;
            }

            result = default(T);
            return false;
        }

        public EntityReference ToEntityReference()
        {
            return new EntityReference(LogicalName, Id) { KeyAttributes = _keyAttributes };
        }

        public T ToEntity<T>()
            where T : Entity
        {
            if (typeof(T) == typeof(Entity))
            {
                return (T)this;
            }

            var copy = (T)Activator.CreateInstance(typeof(T));
            copy.LogicalName = LogicalName;
            copy.Id = Id;
            copy.Attributes = _attributes;
            copy.FormattedValues = _formattedValues;
            copy.KeyAttributes = _keyAttributes;
            copy.EntityState = EntityState;
            copy.RowVersion = RowVersion;
            return copy;
        }

        protected virtual void SetAttributeValue(string attributeLogicalName, object value)
        {
            _attributes[attributeLogicalName] = value;
        }

        protected virtual string GetFormattedAttributeValue(string attributeLogicalName)
        {
            string value;
            return _formattedValues.TryGetValue(attributeLogicalName, out value) ? value : string.Empty;
        }
    }

    /// <summary>A pointer to a row (lookup value): table logical name and id.</summary>
    public sealed class EntityReference
    {
        private KeyAttributeCollection _keyAttributes = new KeyAttributeCollection();

        public EntityReference()
        {
        }

        public EntityReference(string logicalName)
        {
            LogicalName = logicalName;
        }

        public EntityReference(string logicalName, Guid id)
        {
            LogicalName = logicalName;
            Id = id;
        }

        public EntityReference(string logicalName, string keyName, object keyValue)
        {
            LogicalName = logicalName;
            _keyAttributes[keyName] = keyValue;
        }

        public EntityReference(string logicalName, KeyAttributeCollection keyAttributeCollection)
        {
            LogicalName = logicalName;
            _keyAttributes = keyAttributeCollection ?? new KeyAttributeCollection();
        }

        public Guid Id { get; set; }

        public string LogicalName { get; set; }

        public string Name { get; set; }

        public string RowVersion { get; set; }

        public KeyAttributeCollection KeyAttributes
        {
            get { return _keyAttributes; }
            set { _keyAttributes = value ?? new KeyAttributeCollection(); }
        }

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

        public override bool Equals(object obj)
        {
            var other = obj as OptionSetValue;
            return other != null && other.Value == Value;
        }

        public override int GetHashCode()
        {
            return Value.GetHashCode();
        }
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

        public override bool Equals(object obj)
        {
            var other = obj as Money;
            return other != null && other.Value == Value;
        }

        public override int GetHashCode()
        {
            return Value.GetHashCode();
        }
    }

    public sealed class EntityCollection
    {
        private DataCollection<Entity> _entities = new DataCollection<Entity>();

        public EntityCollection()
        {
        }

        public EntityCollection(IList<Entity> list)
        {
            _entities = new DataCollection<Entity>(list);
        }

        public DataCollection<Entity> Entities
        {
            get { return _entities; }
            set { _entities = value ?? new DataCollection<Entity>(); }
        }

        public Entity this[int index]
        {
            get { return _entities[index]; }
            set { _entities[index] = value; }
        }

        public string EntityName { get; set; }

        public bool MoreRecords { get; set; }

        public string PagingCookie { get; set; }

        public string MinActiveRowVersion { get; set; }

        public int TotalRecordCount { get; set; }

        public bool TotalRecordCountLimitExceeded { get; set; }
    }

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

        public EntityRole? PrimaryEntityRole { get; set; }

        public override bool Equals(object obj)
        {
            var other = obj as Relationship;
            return other != null
                && string.Equals(SchemaName, other.SchemaName, StringComparison.Ordinal)
                && PrimaryEntityRole == other.PrimaryEntityRole;
        }

        public override int GetHashCode()
        {
            return SchemaName == null ? 0 : StringComparer.Ordinal.GetHashCode(SchemaName);
        }

        public override string ToString()
        {
            return SchemaName;
        }
    }
}
